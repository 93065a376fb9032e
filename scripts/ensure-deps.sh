#!/usr/bin/env bash
# Installs what presque needs to run or test on a fresh Debian machine with Node and npm:
# npm packages (npm ci, when the lock changed) and redis-server (apt-get, when missing and root).
# With --for-tests (npm test passes it) also Debian's chromium, for the dashboard's browser tests;
# `npm start` never installs a browser.
set -euo pipefail
cd "$(dirname "$0")/.."
for_tests=false
if [ "${1:-}" = "--for-tests" ]; then for_tests=true; fi

# A node_modules without its Node 24 (npm ci --omit=dev) is left so for npm start: bin/presque.js runs
# on this machine's Node, or says what it needs. The tests need the devDependencies.
if [ ! -e node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] ||
  { $for_tests && [ ! -x node_modules/.bin/node ]; }; then
  echo "presque: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi

if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/sbin/redis-server ] && [ ! -x /usr/bin/redis-server ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "presque: installing redis-server (apt-get)" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
  else
    echo "presque: redis-server is missing. Install the Debian package: sudo apt-get install redis-server" >&2
    echo "         (or point presque at a running Redis with REDIS_URL or --config)" >&2
    exit 1
  fi
fi

if $for_tests && [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM_PATH:-}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "presque: installing chromium for the dashboard browser tests (apt-get)" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    echo "presque: chromium is missing, so the dashboard browser tests will be skipped." >&2
    echo "         Install it with: sudo apt-get install chromium (or set CHROMIUM_PATH)" >&2
  fi
fi

# schemathesis (PyPI) for test/openapi-schemathesis.test.ts, in a venv under node_modules/.cache.
if $for_tests && [ ! -x node_modules/.cache/schemathesis/bin/schemathesis ] && command -v python3 >/dev/null 2>&1; then
  echo "presque: installing schemathesis 4.32.5 (pip, in node_modules/.cache/schemathesis)" >&2
  python3 -m venv node_modules/.cache/schemathesis >&2
  node_modules/.cache/schemathesis/bin/pip install -q 'schemathesis==4.32.5' >&2
fi
