"""The executor's core: signals in, orders out. Knows nothing of gRPC."""
