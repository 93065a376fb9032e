#!/usr/bin/env bash
# Generates clients/go/gen from proto/presque with buf and local plugins only: protoc-gen-go and
# protoc-gen-connect-go, go-installed (Go module proxy, pinned) into clients/go/.tools/bin when
# missing. scripts/check-generated.sh runs it; run it after changing proto/.
set -euo pipefail
cd "$(dirname "$0")/../../.."
tools="$PWD/clients/go/.tools/bin"
if [ ! -x "$tools/protoc-gen-go" ] || [ ! -x "$tools/protoc-gen-connect-go" ]; then
  echo "presque: installing protoc-gen-go and protoc-gen-connect-go (go install, into clients/go/.tools/bin)" >&2
  GOBIN="$tools" go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12 >&2
  GOBIN="$tools" go install connectrpc.com/connect/cmd/protoc-gen-connect-go@v1.21.1 >&2
fi
PATH="$tools:$PATH" node_modules/.bin/buf generate --template clients/go/buf.gen.yaml
