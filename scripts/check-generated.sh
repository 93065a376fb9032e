#!/usr/bin/env bash
# Fails when gen/ is not what `buf generate` makes of proto/ (gen/ is committed, never hand-edited).
set -euo pipefail
cd "$(dirname "$0")/.."
buf generate
if [ -n "$(git status --porcelain -- gen)" ]; then
  echo "gen/ is stale: run 'npm run generate' and commit gen/" >&2
  git status --porcelain -- gen >&2
  exit 1
fi
# The Go client's generated code (clients/go/gen), from the same protos.
if command -v go >/dev/null 2>&1; then
  bash clients/go/scripts/generate.sh
  if [ -n "$(git status --porcelain -- clients/go/gen)" ]; then
    echo "clients/go/gen is stale: run 'bash clients/go/scripts/generate.sh' and commit clients/go/gen" >&2
    git status --porcelain -- clients/go/gen >&2
    exit 1
  fi
else
  echo "check-generated: no go on PATH, clients/go/gen not checked" >&2
fi
# The Python client's stubs (clients/python/src/presque/v1), made by clients/python/generate.sh.
bash clients/python/generate.sh
if [ -n "$(git status --porcelain -- clients/python/src/presque/v1)" ]; then
  echo "clients/python/src/presque/v1 is stale: run 'bash clients/python/generate.sh' and commit it" >&2
  git status --porcelain -- clients/python/src/presque/v1 >&2
  exit 1
fi
