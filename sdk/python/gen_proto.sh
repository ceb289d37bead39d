#!/usr/bin/env bash
# Regenerates colony/_pb/colony_pb2.py from the protocol's schema with protoc 3.21
# (Debian's protobuf-compiler; the code it makes fits the protobuf 4.21 Python runtime).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
proto_dir="$here/../../protocol/src/main/protobuf"
protoc --proto_path="$proto_dir" --python_out="$here/colony/_pb" "$proto_dir/colony.proto"
