"""The position keeper's tables and goals in the bench's report: fill event -> siblings
cancelled (bench/oco.py) and the exit plans' (bench/exit_tables.py), for the runs that measured
them."""

from __future__ import annotations

from typing import Any

from bench import exit_tables, oco


def tables(out: dict[str, Any]) -> list[str]:
    """The position keeper's tables that this run measured, each after a blank line."""
    plans = out.get("exits", {})
    tables = [oco_table(out["oco"])] if "oco" in out else []
    tables += [exit_tables.ladders_table(plans["ladders"])] if "ladders" in plans else []
    tables += [exit_tables.updates_table(plans["updates"])] if "updates" in plans else []
    return [line for table in tables for line in ("", table)]


def oco_table(oco_out: dict[str, dict[str, Any]]) -> str:
    """Fill event -> siblings cancelled, a column per venue."""
    venues = list(oco_out)
    lines = [
        "| fill event -> siblings cancelled (at the venue) | " + " | ".join(venues) + " |",
        "| --- |" + " ---: |" * len(venues),
    ]
    for key in ("p50", "p99", "max"):
        cells = [f"{oco_out[v][key]:.1f}" if key in oco_out[v] else "-" for v in venues]
        lines.append(f"| {key}, ms | " + " | ".join(cells) + " |")
    lines.append(
        "| positions (not cancelled) | "
        + " | ".join(f"{oco_out[v]['positions']} ({oco_out[v]['missed']})" for v in venues)
        + " |"
    )
    lines.append(
        "| venue requests between, p50 | "
        + " | ".join(
            f"{oco_out[v]['requests_between_p50']:g}" if "requests_between_p50" in oco_out[v] else "-"
            for v in venues
        )
        + " |"
    )
    measured = oco_out[venues[0]]["round_trip_p50"]
    lines += [
        "",
        "Timed at the simulator: the first frame telling the take-profit's fill (or the flat "
        "position) sent -> the stop's cancel received. A request's round trip to the venue on a "
        f"kept connection, as this network, TLS and the simulator deliver it: p50 {measured:.1f} ms.",
    ]
    return "\n".join(lines)


def oco_goals(oco_out: dict[str, dict[str, Any]]) -> list[tuple[str, bool, str]]:
    return [
        (
            f"{venue}: fill event -> siblings cancelled, p50 within one measured round trip + 5 ms "
            f"({result['goal_ms']:g} ms)",
            result["met"],
            (
                f"p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, max {result['max']:.1f} ms"
                if "p50" in result
                else "none cancelled"
            )
            + f"; {result['positions']} positions, {result['missed']} not cancelled within "
            f"{oco.WAIT_S:g} s; a request's measured round trip {result['round_trip_p50']:.1f} ms",
        )
        for venue, result in oco_out.items()
    ]


def goals(out: dict[str, Any]) -> list[tuple[str, bool, str]]:
    """The keeper's goals this run measured, whether met, and the figures that say so."""
    return [*(oco_goals(out["oco"]) if "oco" in out else []), *exit_tables.goals(out.get("exits", {}))]
