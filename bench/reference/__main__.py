"""`python -m bench.reference`: serve the bare refusal reference the way the gateway is served
(common/serving.py: the same uvicorn settings, loop and HTTP parser).

Env: WEBHOOK_PASSPHRASE (required), REFERENCE_PORT (5100), REFERENCE_HOST (127.0.0.1),
REFERENCE_ALLOWED (comma-separated addresses; empty: anyone).
"""

from __future__ import annotations

import os

from bench.reference.app import create_app
from common import serving


def main() -> None:
    allowed = frozenset(a.strip() for a in os.environ.get("REFERENCE_ALLOWED", "").split(",") if a.strip())
    app = create_app(os.environ["WEBHOOK_PASSPHRASE"], allowed)
    host, port = os.environ.get("REFERENCE_HOST", "127.0.0.1"), int(os.environ.get("REFERENCE_PORT", "5100"))
    serving.run(app, host=host, port=port)


if __name__ == "__main__":
    main()
