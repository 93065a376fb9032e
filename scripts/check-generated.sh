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
