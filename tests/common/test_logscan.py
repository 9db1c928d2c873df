"""The end-of-suite log scan finds a planted secret, and names it without printing it."""

from __future__ import annotations

from pathlib import Path

from tests.support.logscan import leaks, masked


def test_a_planted_secret_is_found_and_short_strings_are_ignored(tmp_path: Path) -> None:
    clean, dirty = tmp_path / "a.log", tmp_path / "b.log"
    clean.write_text('{"msg": "signing with ***"}\n', encoding="utf-8")
    dirty.write_text('{"msg": "signing with sk-live-0123456789"}\n', encoding="utf-8")
    found = leaks([clean, dirty], {"sk-live-0123456789", "short"})
    assert found == [(dirty, "sk-live-0123456789")]
    assert "0123456789" not in masked("sk-live-0123456789")
