"""The owner's web dashboard: pages and assets the gateway serves."""
