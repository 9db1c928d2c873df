"""The exit plans' figures (bench/exits.py, bench/update.py) as RESULTS.md tables and goals."""

from __future__ import annotations

from typing import Any

from bench.exits import GONE_TRIPS


def _row(label: str, by_venue: dict[str, dict[str, Any]], cell: Any) -> str:
    return f"| {label} | " + " | ".join(cell(r) for r in by_venue.values()) + " |"


def _ms(key: str) -> Any:
    return lambda r: f"{r[key]:.1f}" if r.get(key) is not None else "-"


def ladders_table(by_venue: dict[str, dict[str, Any]]) -> str:
    head = "| take-profit fill -> stop moved (at the venue) | " + " | ".join(by_venue) + " |"
    lines = [head, "| --- |" + " ---: |" * len(by_venue)]
    for key, label in (
        ("held_p50", "new stop held, p50 ms"),
        ("held_p99", "new stop held, p99 ms"),
        ("held_max", "new stop held, max ms"),
        ("gone_p50", "old stop gone, p50 ms"),
        ("gone_p99", "old stop gone, p99 ms"),
        ("told_after_p50", "new stop told on the stream after its request, p50 ms"),
    ):
        lines.append(_row(label, by_venue, _ms(key)))
    lines += [
        _row(
            "ladders: moves (not moved)", by_venue, lambda r: f"{r['ladders']}: {r['moves']} ({r['missed']})"
        ),
        _row("stop not the size left", by_venue, lambda r: str(r["not_sized"])),
        _row("ladders not closed", by_venue, lambda r: str(r["not_closed"])),
        _row("watch reads (bare)", by_venue, lambda r: f"{r['reads']} ({r['bare']})"),
    ]
    first = next(iter(by_venue.values()))
    lines += [
        "",
        "Timed at the simulator: the first frame telling a take-profit's fill sent -> the request "
        "that places the new stop received (held), and the one that cancels the old (gone: BingX "
        "swaps both in one cancelReplace, Binance cancels once the new one is answered). Goals: "
        "held within one round trip + 5 ms, gone within one (BingX) or two (Binance) + 5 ms, a "
        f"request's round trip measured at p50 {first['round_trip_p50']:.1f} ms. The watch read "
        f"the symbol every {first['read_gap_p50'] or 0:.1f} ms (p50).",
    ]
    return "\n".join(lines)


def updates_table(by_venue: dict[str, dict[str, Any]]) -> str:
    head = "| update -> new stop resting (webhook to venue) | " + " | ".join(by_venue) + " |"
    lines = [head, "| --- |" + " ---: |" * len(by_venue)]
    for key in ("p50", "p99", "max"):
        lines.append(_row(f"{key}, ms", by_venue, _ms(key)))
    lines += [
        _row("updates (not placed)", by_venue, lambda r: f"{r['updates']} ({r['missed']})"),
        _row(
            "venue requests before it, p50",
            by_venue,
            lambda r: f"{r['requests_before_p50']:g}" if "requests_before_p50" in r else "-",
        ),
        _row("watch reads (bare)", by_venue, lambda r: f"{r['reads']} ({r['bare']})"),
    ]
    first = next(iter(by_venue.values()))
    lines += [
        "",
        "Timed from the webhook sent to the new stop's request received at the simulator, both on "
        "the host's monotonic clock. Before it the executor reads the position and its orders: "
        f"with the request's way there, {first['floor_ms']:.1f} ms of round trips at the least.",
    ]
    return "\n".join(lines)


def goals(exits: dict[str, Any]) -> list[tuple[str, bool, str]]:
    out: list[tuple[str, bool, str]] = []
    for venue, r in exits.get("ladders", {}).items():
        trips = "one round trip" if GONE_TRIPS[venue] == 1 else f"{GONE_TRIPS[venue]} round trips"
        figures = (
            f"held p50 {r['held_p50']:.1f} ms, p99 {r['held_p99']:.1f} ms; gone p50 {r['gone_p50']:.1f} ms"
            if "held_p50" in r
            else "no stop moved"
        )
        out.append(
            (
                f"{venue}: take-profit fill -> stop moved, new stop held p50 within one measured round "
                f"trip + 5 ms ({r['goal_held_ms']:g} ms), old one gone within {trips} + 5 ms "
                f"({r['goal_gone_ms']:g} ms), sized to what is left, never seen without a stop",
                r["met"],
                f"{figures}; {r['moves']} moves, {r['missed']} not moved, {r['not_sized']} not sized; "
                f"{r['reads']} reads, {r['bare']} bare",
            )
        )
    for venue, r in exits.get("updates", {}).items():
        figures = f"p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms" if "p50" in r else "none placed"
        out.append(
            (
                f"{venue}: update -> new stop resting, every stop placed and never seen without one",
                r["met"],
                f"{figures} (round trips alone {r['floor_ms']:g} ms); {r['updates']} updates, "
                f"{r['missed']} not placed; {r['reads']} reads, {r['bare']} bare",
            )
        )
    return out
