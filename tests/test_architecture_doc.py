"""docs/ARCHITECTURE.md is the map of the code: every file it names must exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_path_the_map_names_exists() -> None:
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    named = set(
        re.findall(r"`((?:gateway|executor|simulator|common|proto|tests|tools|bench)/[\w./<>-]+)`", text)
    )
    assert named, "the map names no files"
    missing = []
    for path in sorted(named):
        if "<venue>" in path:
            candidates = [path.replace("<venue>", v) for v in ("bingx", "binance")]
        else:
            candidates = [path]
        missing += [c for c in candidates if not (ROOT / c.rstrip("/")).exists()]
    assert missing == []
