"""Protobuf classes of protocol/src/main/protobuf/colony.proto.

Generated, do not edit. Regenerate with ``sdk/python/gen_proto.sh``, i.e.
``protoc --proto_path=protocol/src/main/protobuf --python_out=sdk/python/colony/_pb colony.proto``
(protoc 3.21, matching the protobuf 4.21 Python runtime).
"""
