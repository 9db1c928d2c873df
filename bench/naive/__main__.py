"""`python -m bench.naive`: serve the naive bot.

Hobby bots deploy with gunicorn, which is not installed here, so this serves with
`werkzeug.serving.make_server(..., threaded=True)`, the server `flask run` uses (a thread per
request), without its debugger or reloader.

Env: BINGX_API_KEY, BINGX_SECRET_KEY, WEBHOOK_PASSPHRASE (required); BINGX_BASE_URL,
NAIVE_CA_BUNDLE (a CA bundle path for an HTTPS venue with a private CA), NAIVE_LEVERAGE (10),
NAIVE_HOST (127.0.0.1), NAIVE_PORT (5000).
"""

from __future__ import annotations

import logging
import os

from werkzeug.serving import make_server

from bench.naive.app import NaiveConfig, create_app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Werkzeug's access line per request would double the one line per order we want.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    host, port = os.environ.get("NAIVE_HOST", "127.0.0.1"), int(os.environ.get("NAIVE_PORT", "5000"))
    server = make_server(host, port, create_app(NaiveConfig.from_env()), threaded=True)
    logging.getLogger("bench.naive").info("naive bot listening on %s:%d", host, port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
