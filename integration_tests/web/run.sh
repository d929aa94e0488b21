#!/usr/bin/env bash
# The browser journeys (integration_tests/web/test_*.py) in a real Chromium
# against the shop at $SHOP_URL (default http://localhost:9000), the compose
# stack `make e2e` started. Screenshots go to target/web-screenshots/.
# Bounded: pytest stops the run after WEB_TIMEOUT_SECS (default 600).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv=$root/target/web-venv
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "web: no Chromium at $chromium (apt-get install chromium)" >&2; exit 1; }
if ! "$venv/bin/python" -c 'import playwright, pytest' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$root/integration_tests/web/requirements.txt"
fi
export SHOP_URL=${SHOP_URL:-http://localhost:9000}
export CHROMIUM=$chromium
export SCREENSHOTS=${SCREENSHOTS:-$root/target/web-screenshots}
mkdir -p "$SCREENSHOTS"
cd "$root/integration_tests/web"
exec timeout --signal=INT "${WEB_TIMEOUT_SECS:-600}" "$venv/bin/python" -m pytest -x -q -p no:cacheprovider "$@"
