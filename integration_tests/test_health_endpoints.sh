#!/bin/sh
# Every service's readiness and the gateway's aggregated health, from inside
# the compose network. One line per check; stops at the first non-200.
set -eu

check() {
  name=$1 url=$2
  code=$(curl -s -o /tmp/body -w '%{http_code}' --max-time 5 "$url" || echo 000)
  if [ "$code" != 200 ]; then
    echo "FAIL $name $url -> $code: $(cat /tmp/body 2>/dev/null)"
    exit 1
  fi
  echo "ok   $name $url -> 200"
}

check users      http://users:9001/health/ready
check catalogue  http://catalogue:9002/health/ready
check orders     http://orders:9003/health/ready
check payments   http://payments:9004/health/ready
check fulfilment http://fulfilment:9005/health/ready
check gateway    http://gateway:9000/health/live
check gateway    http://gateway:9000/health
