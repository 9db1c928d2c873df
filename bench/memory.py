"""Resident memory of the processes under test, from the kernel's own accounting (/proc)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def reset_peak(pid: int) -> bool:
    """Start the kernel's peak (VmHWM) over from what is resident now (Linux's clear_refs "5"),
    so the peak read later is the peak of what came after. False where that is not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@contextmanager
def peak_during(pids: dict[str, int], interval_s: float = 0.02) -> Iterator[dict[str, Any]]:
    """Each process's peak resident memory over the block, in MB, filled in when it ends:
    `peak`, the kernel's, started over at the block's start, and `sampled`, the highest of
    samples taken every `interval_s` meanwhile (a check on the first, which catches what falls
    between samples; `peak` is the sampled figure where the kernel's cannot be started over)."""
    out: dict[str, Any] = {}
    sampled = {name: memory_mb(pid)[0] for name, pid in pids.items()}
    reset = {name: reset_peak(pid) for name, pid in pids.items()}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(interval_s):
            for name, pid in pids.items():
                sampled[name] = max(sampled[name], memory_mb(pid)[0])

    sampler = threading.Thread(target=sample, name="memory-sampler", daemon=True)
    sampler.start()
    try:
        yield out
    finally:
        done.set()
        sampler.join()
        peaks = {}
        for name, pid in pids.items():
            now, peak = memory_mb(pid)
            sampled[name] = max(sampled[name], now)
            # The kernel's peak can trail a sample by a little (its counters are synced lazily).
            peaks[name] = round(max(peak, sampled[name]) if reset[name] else sampled[name], 1)
        out["peak"] = peaks
        out["sampled"] = {name: round(mb, 1) for name, mb in sampled.items()}
