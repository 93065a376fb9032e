#!/usr/bin/env bash
# npm run build (and npm pack, through prepack): the JavaScript and type declarations the published
# package runs, in dist/. tsc emits dist/src/ and dist/gen/ (./x.ts imports become ./x.js); the files
# the code reads at run time next to itself (the Lua scripts, the dashboard's page) are copied beside it.
# A clone does not need it: bin/presque.js runs the sources there.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/tsc ]; then
  echo "presque build: TypeScript is missing (a devDependency): run npm ci first, without --omit=dev" >&2
  exit 1
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/presque-build.XXXXXX")
trap 'rm -rf "$out"' EXIT
node_modules/.bin/tsc -p tsconfig.build.json --outDir "$out"
# Every file of src/ and gen/ that is not TypeScript is read at run time (new URL(..., import.meta.url)).
find src gen -type f ! -name '*.ts' -print0 | while IFS= read -r -d '' file; do
  mkdir -p "$out/$(dirname "$file")"
  cp "$file" "$out/$file"
done
# src/cli/version.ts reads ../../package.json, which from dist/src/cli/ is dist/package.json.
node -e 'const p = require("./package.json");
process.stdout.write(JSON.stringify({ type: p.type, version: p.version }, null, 2) + "\n");' >"$out/package.json"
rm -rf dist
mv "$out" dist
trap - EXIT
echo "presque build: dist/ ($(find dist -name '*.js' | wc -l) modules)" >&2
