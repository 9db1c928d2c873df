"""The dashboard's pages: our own HTML, put together once at start.

Pages carry no data: the page's script asks the JSON API and writes what it gets as text.
So nothing here interpolates a value that came from a request.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
VENDOR = STATIC / "vendor"
# Copied out of the npm packages by tools/build_assets.py (make setup, the Dockerfile).
VENDOR_FILES = ("bootstrap.min.css", "bootstrap.bundle.min.js", "chart.umd.min.js")

TITLES = {
    "login": "Log in",
    "status": "Status",
    "signals": "Signals",
    "signal": "Signal",
    "positions": "Positions",
    "fills": "Fills",
    "analytics": "Analytics",
    "account": "Account",
    "test": "Test a signal",
}
# A page may load only our own scripts and styles; Bootstrap draws its icons from data: URIs.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def assets_missing() -> list[str]:
    return [name for name in VENDOR_FILES if not (VENDOR / name).is_file()]


@cache
def render(page: str, state: str = "") -> str:
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    content = (TEMPLATES / f"{page}.html").read_text(encoding="utf-8")
    html = base.replace("{{title}}", TITLES[page]).replace("{{page}}", page).replace("{{content}}", content)
    if state:
        html = html.replace('<body data-page="', f'<body data-state="{state}" data-page="', 1)
    return html
