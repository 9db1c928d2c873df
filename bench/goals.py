"""Each goal of the benchmark, whether a run met it, and the figures that say so: issue 19's
(the candle-close burst, the sustained pipeline and the time added at 20/s, the refusal path,
`test: true`, memory at the burst's peak), the earlier ones against the naive bot and for venue
requests, and the position keeper's (bench/keeper_tables.py)."""

from __future__ import annotations

from typing import Any

from bench import keeper_tables

Goal = tuple[str, bool, str]
SUSTAINED_PER_S = 1500.0
ADDED_P50_MS, ADDED_P99_MS = 2.0, 5.0
REFUSAL_RATIO = 0.8
MEMORY_MB = 150.0


def goals(out: dict[str, Any]) -> list[Goal]:
    """Every goal whose phase this run measured (`--pipeline-only`, `--burst-only` and the
    keeper's `--oco-only` and `--exits-only` measure some), issue 19's first."""
    found: list[Goal] = []
    ours = out.get("burst", {}).get("tvbridge")
    if ours is not None:
        found += burst_goals(ours)
    if "sustained" in out:
        found.append(sustained_goal(out["sustained"]))
    if "server" in out:
        found.append(added_goal(out["server"], out["config"]["rate"]))
    if "refusal" in out:
        found += refusal_goals(out["refusal"])
    if "test_vs_real" in out:
        found.append(test_goal(out["test_vs_real"]))
    if ours is not None:
        found.append(memory_goal(ours))
    if "steady" in out:
        found += naive_goals(out)
    return found + keeper_tables.goals(out)


def _spread(figures: dict[str, Any], unit: str = "s") -> str:
    if not figures.get("count"):
        return "none measured"
    return f"p50 {figures['p50']:g} {unit}, p99 {figures['p99']:g} {unit}, max {figures['max']:g} {unit}"


def _within(figures: dict[str, Any], sent: int) -> bool:
    """Every one of `sent` measured, none over the limit."""
    return figures.get("count") == sent and figures.get("over") == 0


def burst_goals(burst: dict[str, Any]) -> list[Goal]:
    sent, symbols = burst["sent"], burst["symbols"]
    head = f"{sent}-alert burst over {symbols} symbols, each on a new connection"
    journalled, answered, executed = burst["journalled"], burst["answered"], burst["executed"]
    return [
        (
            f"{head}: every alert journalled within {journalled['limit']:g} s",
            _within(journalled, sent),
            f"{_spread(journalled)}; {journalled.get('over', '-')} over, "
            f"{sent - journalled.get('count', 0)} not in the journal",
        ),
        (
            f"{head}: every alert answered within {answered['limit']:g} s",
            _within(answered, sent),
            f"{_spread(answered)}; {answered.get('over', '-')} over, {burst['not_answered']} not "
            f"answered 2xx (statuses {burst['statuses']})",
        ),
        (
            f"{head}: every alert executed at the venue within {executed['limit']:g} s",
            _within(executed, sent),
            f"{_spread(executed)}; {executed.get('over', '-')} over",
        ),
        (
            f"{head}: none lost or doubled (orders counted at the simulator)",
            burst["lost"] == 0 and burst["doubled"] == 0,
            f"{burst['lost']} lost, {burst['doubled']} doubled",
        ),
    ]


def sustained_goal(run: dict[str, Any]) -> Goal:
    return (
        f"full pipeline sustained: at least {SUSTAINED_PER_S:g} signals/s journalled and executed "
        f"at the simulator over {run['symbols']} symbols",
        run["executed_per_s"] >= SUSTAINED_PER_S and run["journalled_per_s"] >= SUSTAINED_PER_S,
        f"{run['executed_per_s']:g}/s executed at the simulator, {run['journalled_per_s']:g}/s "
        f"journalled, over {run['seconds']:g} s on {run['connections']} connections; "
        f"{run['failed']} not executed, {run['doubled']} doubled",
    )


def added_goal(server: dict[str, Any], rate: float) -> Goal:
    name = (
        f"at a steady {rate:g}/s, time added to the venue round trip at most "
        f"{ADDED_P50_MS:g} ms p50 and {ADDED_P99_MS:g} ms p99 (received -> venue ack, minus the venue)"
    )
    if not server:
        return (
            name,
            False,
            "not measured: no answer carried timings_ms (gateway, venue, received_to_venue_ack)",
        )
    return (
        name,
        server["ours_p50"] <= ADDED_P50_MS and server["ours_p99"] <= ADDED_P99_MS,
        f"p50 {server['ours_p50']:.1f} ms, p99 {server['ours_p99']:.1f} ms; with the answer's way "
        f"back (arrival -> answer, minus the venue) p50 {server['answer_p50']:.1f} ms, "
        f"p99 {server['answer_p99']:.1f} ms",
    )


def refusal_goals(refusal: dict[str, Any]) -> list[Goal]:
    return [
        (
            f"refusal path, {kind}: at least {REFUSAL_RATIO:g}x the bare FastAPI reference",
            figures["ratio"] >= REFUSAL_RATIO,
            f"{figures['ratio']:.2f}x: "
            + ", ".join(
                f"{name} {figures[name]['per_s']:g}/s (p50 {figures[name]['answered_ms'].get('p50', '-')} ms)"
                for name in ("tvbridge", "reference")
            ),
        )
        for kind, figures in refusal["kinds"].items()
    ]


def test_goal(compared: dict[str, Any]) -> Goal:
    real, test = compared["real"], compared["test"]
    return (
        "test: true signals no slower than real ones (signals/s, same symbols, same run)",
        test["per_s"] >= real["per_s"],
        f"test {test['per_s']:g}/s (p50 {test['answered_ms'].get('p50', '-')} ms), real "
        f"{real['per_s']:g}/s (p50 {real['answered_ms'].get('p50', '-')} ms): "
        f"{test['per_s'] / max(real['per_s'], 1e-9):.2f}x",
    )


def memory_goal(burst: dict[str, Any]) -> Goal:
    peak = burst["peak_mb"]
    return (
        f"gateway and executor each at most {MEMORY_MB:g} MB resident at the burst's peak",
        peak["gateway"] <= MEMORY_MB and peak["executor"] <= MEMORY_MB,
        f"gateway {peak['gateway']:.0f} MB, executor {peak['executor']:.0f} MB "
        f"(the highest of samples every 20 ms: {burst['sampled_mb']['gateway']:.0f} and "
        f"{burst['sampled_mb']['executor']:.0f})",
    )


def naive_goals(out: dict[str, Any]) -> list[Goal]:
    ours, naive = out["steady"]["tvbridge"], out["steady"]["naive"]
    sizes = out["requests_per_signal"]
    return [
        (
            "p50 and p99 at least 5x lower than the naive reference",
            naive["p50"] / ours["p50"] >= 5 and naive["p99"] / ours["p99"] >= 5,
            f"p50 {naive['p50'] / ours['p50']:.1f}x, p99 {naive['p99'] / ours['p99']:.1f}x",
        ),
        (
            "one venue request per fixed-quantity order, at most two for balance_pct",
            sizes["quantity"] <= 1.0 and sizes["balance_pct"] <= 2.0,
            ", ".join(f"{k} {v:.2f}" for k, v in sizes.items()),
        ),
    ]
