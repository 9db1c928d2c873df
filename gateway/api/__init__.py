"""HTTP edge of the gateway: thin routes over gateway.core."""
