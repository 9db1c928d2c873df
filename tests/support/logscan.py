"""Scan log files for secret values: the suite's last check that nothing ever leaked."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

# Too short to be a real key or passphrase, and short strings match by chance.
MIN_LENGTH = 8


def leaks(paths: Iterable[Path], secrets: Iterable[str]) -> list[tuple[Path, str]]:
    """(file, secret) for every secret found verbatim in a file; secrets themselves never printed."""
    wanted = sorted({s for s in secrets if len(s) >= MIN_LENGTH}, key=len, reverse=True)
    found = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for secret in wanted:
            if secret in text:
                found.append((path, secret))
    return found


def masked(secret: str) -> str:
    return f"{secret[:2]}…({len(secret)} chars)"
