"""The executor as the gateway sees it: the gRPC client and the one protobuf <-> domain convert."""
