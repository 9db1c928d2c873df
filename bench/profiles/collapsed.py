"""Tables from py-spy's raw (collapsed) output, `--threads` on: one line a distinct stack, its
frames from the thread's root to the running one, `;`-separated, then its sample count.

    python -m bench.profiles.collapsed FILE [--top 25]   # FILE may be gzipped (.gz)

Own time is the running frame's; total time counts a stack once for each function in it (a
recursion once). Frames are grouped by function and file, so a function's lines add up; the own
table names the line with most samples. Percentages are of all samples in the file (py-spy
leaves idle threads out unless told `--idle`).
"""

from __future__ import annotations

import argparse
import gzip
import re
from collections import Counter
from pathlib import Path

OURS = re.compile(r"\((gateway|executor|common)/")
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*):(?P<line>\d+)\)$")


def stacks(path: Path) -> Counter[tuple[str, ...]]:
    found: Counter[tuple[str, ...]] = Counter()
    text = gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" else path.read_text()
    for line in text.splitlines():
        frames, _, count = line.rpartition(" ")
        if frames:
            found[tuple(frames.split(";"))] += int(count)
    return found


def split(frame: str) -> tuple[str, str]:
    """(function and file, line) of one frame; a frame py-spy could not place keeps its text."""
    match = FRAME.match(frame)
    if match is None:
        return frame, ""
    return f"{match['function']} ({match['file']})", match["line"]


def thread_name(frame: str) -> str:
    """`thread (1044): Thread-1 (f)` -> `Thread-1 (f)`: thread ids differ from run to run."""
    return frame.split(": ", 1)[1] if frame.startswith("thread (") and ": " in frame else frame


def tables(path: Path, top: int) -> str:
    found = stacks(path)
    total = sum(found.values())
    if not total:
        return f"### {path.name}\n\nno samples\n"
    threads: Counter[str] = Counter()
    own: Counter[str] = Counter()
    own_lines: dict[str, Counter[str]] = {}
    inclusive: Counter[str] = Counter()
    for stack, count in found.items():
        threads[thread_name(stack[0])] += count
        frames = stack[1:] or stack
        where, line = split(frames[-1])
        own[where] += count
        own_lines.setdefault(where, Counter())[line] += count
        for key in {split(frame)[0] for frame in frames}:
            inclusive[key] += count

    def pct(n: int) -> str:
        return f"{100 * n / total:.1f}"

    lines = [f"### {path.name}: {total} samples", "", "| thread | % |", "| --- | ---: |"]
    lines += [f"| {name} | {pct(n)} |" for name, n in threads.most_common(10)]
    lines += ["", "By own time:", "", "| function (file) | hottest line | % own |", "| --- | ---: | ---: |"]
    lines += [f"| `{k}` | {own_lines[k].most_common(1)[0][0]} | {pct(n)} |" for k, n in own.most_common(top)]
    lines += ["", "By total time:", "", "| function (file) | % total |", "| --- | ---: |"]
    lines += [f"| `{k}` | {pct(n)} |" for k, n in inclusive.most_common(top)]
    ours = [(k, n) for k, n in inclusive.most_common() if OURS.search(k)][:top]
    lines += ["", "Our code by total time:", "", "| function (file) | % total |", "| --- | ---: |"]
    lines += [f"| `{k}` | {pct(n)} |" for k, n in ours]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--top", type=int, default=25)
    ns = parser.parse_args()
    for path in ns.files:
        print(tables(path, ns.top))


if __name__ == "__main__":
    main()
