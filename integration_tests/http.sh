# Sourced by the test_*.sh flows (POSIX sh, in a curl container on the
# compose network): how they talk to the gateway and check what they got.
# GATEWAY_URL points them elsewhere (e.g. http://127.0.0.1:9000 for `make dev`).
gw=${GATEWAY_URL:-http://gateway:9000}

# request METHOD PATH [BODY] [TOKEN] [EXTRA-HEADER] -> prints the status;
# the body lands in /tmp/body, the headers in /tmp/headers.
request() {
  set -- "$1" "$2" "${3:-}" "${4:-}" "${5:-X-E2E: 1}"
  if [ -n "$4" ]; then auth="Authorization: Bearer $4"; else auth="X-No-Auth: 1"; fi
  if [ -n "$3" ]; then
    curl -s -D /tmp/headers -o /tmp/body -w '%{http_code}' --max-time 20 -X "$1" -H "$auth" -H "$5" -H 'content-type: application/json' -d "$3" "$gw$2"
  else
    curl -s -D /tmp/headers -o /tmp/body -w '%{http_code}' --max-time 20 -X "$1" -H "$auth" -H "$5" "$gw$2"
  fi
}
# expect WANTED GOT WHAT: fails the flow unless the status is the one wanted.
expect() {
  if [ "$2" != "$1" ]; then echo "FAIL $3: $2 (wanted $1): $(cat /tmp/body)"; exit 1; fi
  echo "ok   $3 -> $2"
}
# contains PATTERN WHAT: the last body matches (grep) the pattern.
contains() { grep -q "$1" /tmp/body || { echo "FAIL $2: $(cat /tmp/body)"; exit 1; }; echo "ok   $2"; }
# field NAME / number NAME: a string or number member of the last body.
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" /tmp/body | head -n 1; }
number() { sed -n "s/.*\"$1\":\\([0-9-]*\\).*/\\1/p" /tmp/body | head -n 1; }
# header NAME: a header of the last response (case-insensitive name).
header() { tr -d '\r' </tmp/headers | sed -n "s/^$1: //Ip"; }
# eventually PATH TOKEN PATTERN WHAT: GET PATH until its body matches (15 s at most).
eventually() {
  i=0
  while [ $i -lt 75 ]; do
    request GET "$1" "" "$2" >/dev/null
    if grep -q "$3" /tmp/body; then echo "ok   $4"; return 0; fi
    sleep 0.2
    i=$((i + 1))
  done
  echo "FAIL $4: $(cat /tmp/body)"
  exit 1
}
