#!/usr/bin/env bash
# Makes clients/python/.venv (gitignored) with the pinned tools of requirements-dev.txt and the
# presque package installed editable; does nothing when both are already as pinned. Prints its path.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="$PWD/.venv"
stamp="$venv/.presque-stamp"
want="$(cat requirements-dev.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "presque: preparing the Python venv clients/python/.venv (pip)" >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --disable-pip-version-check -q --timeout 60 -r requirements-dev.txt >&2
  "$venv/bin/pip" install --disable-pip-version-check -q --timeout 60 --no-deps -e . >&2
  echo "$want" >"$stamp"
fi
echo "$venv"
