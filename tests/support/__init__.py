"""Shared test machinery: free ports, in-process servers, real service processes."""
