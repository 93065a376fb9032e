#!/usr/bin/env bash
# Generates the Python protobuf and gRPC stubs of proto/presque/v1 into src/presque/v1 with the
# pinned grpcio-tools (its bundled protoc), from the venv of scripts/venv.sh. The output is committed;
# scripts/check-generated.sh fails when it is stale. proto/grpc/** is left out on purpose: a generated
# grpc/ package would shadow grpcio's own.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$(bash "$here/scripts/venv.sh")"
out="$here/src/presque/v1"
rm -rf "$out"
mkdir -p "$out"
cd "$root/proto"
"$venv/bin/python" -m grpc_tools.protoc -I . \
  --python_out="$here/src" --pyi_out="$here/src" --grpc_python_out="$here/src" \
  presque/v1/*.proto
printf '"""Generated from proto/presque/v1 by clients/python/generate.sh; never edited by hand."""\n' >"$out/__init__.py"
