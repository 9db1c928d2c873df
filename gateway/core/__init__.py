"""The gateway's core: reading, checking and forwarding signals. Knows nothing of HTTP."""
