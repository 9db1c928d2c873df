"""The refusal path's yardstick: a bare FastAPI webhook that only parses the JSON and refuses
(bench/refusal.py measures tvbridge's refusals against it, side by side)."""
