"""Parts of the machine some tests need: skipped on a developer's machine, never in CI."""

from __future__ import annotations

import os

import pytest


def required(what: str, found: str | None, how: str) -> str:
    """`found`, or a skip explaining `how` to get it; in CI its absence fails the test."""
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is missing in CI: {how}")
        pytest.skip(f"{what} is not available ({how})")
    return found
