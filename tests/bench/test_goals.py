"""How a run's figures become MET or MISSED (bench/goals.py), how the burst's orders and journal
rows become per-alert figures (bench/burst.py), and the report and results a run writes."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bench import burst
from bench.alerts import SYMBOLS, spread
from bench.goals import goals
from bench.memory import memory_mb, peak_during
from bench.report import report, results_md
from bench.run import parser, save
from simulator.binance.instruments import default_instruments as binance_instruments
from simulator.records import default_instruments as bingx_instruments


def _spread(
    p50: float, p99: float, top: float, count: int = 1000, limit: float | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"count": count, "p50": p50, "p99": p99, "max": top}
    return out | ({"limit": limit, "over": 0} if limit is not None else {})


def _burst(name: str) -> dict[str, Any]:
    peaks = {"gateway": 120.0, "executor": 80.0} if name == "tvbridge" else {"naive": 90.0}
    out = {
        "sent": 1000,
        "symbols": 50,
        "statuses": {"200": 1000},
        "answered": _spread(0.8, 1.5, 1.6, limit=2.0),
        "not_answered": 0,
        "generator": {"cpu_s": 0.4, "last_connection_ms": 60.0},
        "peak_mb": peaks,
        "sampled_mb": peaks,
        "executed": _spread(1.0, 2.0, 2.2, limit=3.0),
        "lost": 0,
        "doubled": 0,
    }
    if name == "tvbridge":
        out |= {"journalled": _spread(0.3, 0.7, 0.8, limit=1.0), "decided": _spread(1.1, 2.1, 2.3)}
    return out


def _refused(ours: float, reference: float) -> dict[str, Any]:
    def one(per_s: float) -> dict[str, Any]:
        return {"per_s": per_s, "answered_ms": _spread(5, 9, 12, 5000), "statuses": {}, "generator_cpu_s": 1}

    return {"tvbridge": one(ours), "reference": one(reference), "ratio": round(ours / reference, 3)}


def sample() -> dict[str, Any]:
    """A whole run's figures, every goal of issue 19 met."""
    steady = {"p50": 40.0, "p90": 45.0, "p99": 50.0, "max": 60.0, "failed": 0, "signals": 1200}
    naive = {"p50": 400.0, "p90": 420.0, "p99": 450.0, "max": 500.0, "failed": 0, "signals": 1200}
    return {
        "config": vars(parser().parse_args([])),
        "machine": {"cpus": 2, "python": "3.11", "date": "2026-12-01"},
        "idle_mb": {"gateway": 100.0, "executor": 70.0, "naive": 45.0},
        "peak_mb": {"gateway": 120.0, "executor": 80.0, "naive": 90.0},
        "steady": {
            "tvbridge": steady | {"venue_requests_per_signal": 1.0},
            "naive": naive | {"venue_requests_per_signal": 4.0},
        },
        "server": {
            "acked_p50": 34.0,
            "acked_p99": 40.0,
            "p50": 36.0,
            "p90": 38.0,
            "p99": 42.0,
            "venue_p50": 33.0,
            "ours_p50": 1.5,
            "ours_p99": 4.0,
            "answer_p50": 3.0,
            "answer_p99": 6.0,
        },
        "stages_ms_p50": {"received_to_journalled": 0.5, "executor": 34.0, "venue": 33.0, "total": 35.0},
        "requests_per_signal": {"quantity": 1.0, "balance": 1.0, "balance_pct": 1.5},
        "size_failures": {"quantity": 0, "balance": 0, "balance_pct": 0},
        "burst": {"tvbridge": _burst("tvbridge"), "naive": _burst("naive")},
        "sustained": {
            "seconds": 10.0,
            "connections": 64,
            "symbols": 50,
            "sent": 16000,
            "statuses": {"200": 16000},
            "executed_per_s": 1600.0,
            "journalled_per_s": 1600.0,
            "answered_executed_per_s": 1600.0,
            "answered_ms": _spread(30, 60, 80, 16000),
            "failed": 0,
            "doubled": 0,
            "generator_cpu_s": 2.0,
        },
        "test_vs_real": {
            "connections": 64,
            "symbols": 50,
            "real": {"seconds": 6.0, "per_s": 1600.0, "answered_ms": _spread(30, 60, 80), "not_executed": 0},
            "test": {"seconds": 6.0, "per_s": 1700.0, "answered_ms": _spread(28, 55, 70), "not_executed": 0},
        },
        "refusal": {
            "connections": 32,
            "seconds": 4.0,
            "kinds": {
                "wrong passphrase": _refused(5000, 6000),
                "bad JSON": _refused(5500, 6500),
                "unknown source": _refused(6000, 6400),
            },
        },
    }


def _met(out: dict[str, Any]) -> dict[str, bool]:
    return {name: met for name, met, _ in goals(out)}


def _missed(out: dict[str, Any]) -> list[str]:
    return [name for name, met in _met(out).items() if not met]


def test_a_run_that_meets_every_goal_is_told_so_goal_by_goal() -> None:
    met = _met(sample())
    assert all(met.values()), met
    names = " / ".join(met)
    for words in (
        "journalled within 1 s",
        "answered within 2 s",
        "executed at the venue within 3 s",
        "none lost or doubled",
        "at least 1500 signals/s",
        "at most 2 ms p50 and 5 ms p99",
        "wrong passphrase",
        "bad JSON",
        "unknown source",
        "test: true",
        "150 MB",
    ):
        assert words in names, words
    assert "1000-alert burst over 50 symbols" in names


@pytest.mark.parametrize(
    ("path", "value", "missed"),
    [
        (("burst", "tvbridge", "journalled", "over"), 1, "journalled within 1 s"),
        (("burst", "tvbridge", "journalled", "count"), 999, "journalled within 1 s"),  # one not journalled
        (("burst", "tvbridge", "answered", "over"), 3, "answered within 2 s"),
        (("burst", "tvbridge", "answered", "count"), 998, "answered within 2 s"),  # two refused 429
        (("burst", "tvbridge", "executed", "over"), 1, "executed at the venue within 3 s"),
        (("burst", "tvbridge", "lost"), 1, "none lost or doubled"),
        (("burst", "tvbridge", "doubled"), 1, "none lost or doubled"),
        (("sustained", "executed_per_s"), 1499.9, "at least 1500 signals/s"),
        (("sustained", "journalled_per_s"), 1200.0, "at least 1500 signals/s"),
        (("server", "ours_p50"), 2.1, "at most 2 ms p50"),
        (("server", "ours_p99"), 5.1, "at most 2 ms p50"),
        (("server",), {}, "at most 2 ms p50"),  # the answers carried no timings: not measured, missed
        (("refusal", "kinds", "bad JSON", "ratio"), 0.79, "bad JSON"),
        (("test_vs_real", "test", "per_s"), 1599.0, "test: true"),
        (("burst", "tvbridge", "peak_mb", "executor"), 150.5, "150 MB"),
    ],
)
def test_each_figure_past_its_goal_misses_that_goal_alone(
    path: tuple[str, ...], value: object, missed: str
) -> None:
    out = sample()
    holder = out
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    names = _missed(out)
    assert len(names) == 1 and missed in names[0], names


def test_the_report_and_results_carry_every_table_and_goal(tmp_path: Path) -> None:
    out = sample()
    text = report(out)
    for header in (
        "| end to end p50, ms |",
        "| candle close: 1000 alerts over 50 symbols",
        "| full pipeline,",
    ):
        assert header in text
    assert "| `test: true` against real" in text and "| refusal path, 32 kept connections" in text
    written = results_md(out, "python -m bench.run --write")
    assert written.count("| yes |") == len(goals(out)) and "| no |" not in written

    # --json into a folder a fresh clone does not have: made, and the file reads back whole.
    target = tmp_path / "bench" / "out" / "results.json"
    save(out, target)
    assert json.loads(target.read_text()) == json.loads(json.dumps(out, default=str))


def test_the_burst_names_each_order_by_its_alert() -> None:
    symbols = list(SYMBOLS)
    bodies = [json.loads(spread(n, "b", symbols)) for n in range(150)]
    alert_of = {burst._order_key(b["ticker"], b["quantity"]): n for n, b in enumerate(bodies)}
    assert len(alert_of) == 150  # (symbol, quantity) tells every alert apart
    release_ms = 1_000_000.0

    def order(n: int, at_ms: int) -> dict[str, Any]:
        body = bodies[n]
        return {"symbol": body["ticker"][:-4] + "-USDT", "quantity": body["quantity"], "time_ms": at_ms}

    orders = [order(n, 1_000_500 + n) for n in range(148)]  # 148 and 149 never reached the venue
    orders += [order(3, 1_004_000)]  # alert 3 placed twice
    orders += [{"symbol": "BTC-USDT", "quantity": "0.5", "time_ms": 1_000_900}]  # nobody's
    orders += [order(0, 999_000)]  # before the release: an earlier phase's
    seen = burst._at_the_venue(orders, alert_of, release_ms, 150)
    assert (seen["lost"], seen["doubled"]) == (2, 2)
    assert seen["executed"]["count"] == 148 and seen["executed"]["max"] == pytest.approx(0.647)
    assert seen["executed"]["over"] == 0

    rows = [
        {
            "received_ms": 1_000_100,
            "latency_ms": {"received_to_journalled": 1000, "total": 2500},
            "status": "executed",
        },
        {
            "received_ms": 1_000_200,
            "latency_ms": {"received_to_journalled": 5, "total": None},
            "status": "pending",
        },
    ]
    journal = burst._journalled(rows, release_ms)
    assert journal["journalled"]["max"] == pytest.approx(1.1) and journal["journalled"]["over"] == 1
    assert journal["decided"]["count"] == 1 and journal["journal_executed"] == 1


def test_memory_is_the_peak_of_the_block_not_of_the_process_life() -> None:
    me = {"me": os.getpid()}
    ballast = bytearray(64 * 1024 * 1024)
    ballast[::4096] = b"x" * len(ballast[::4096])  # resident once touched
    del ballast  # a block this large goes back to the system at once
    life = memory_mb(os.getpid())[1]
    with peak_during(me) as quiet:
        pass
    assert quiet["peak"]["me"] < life - 40
    with peak_during(me) as busy:
        during = bytearray(48 * 1024 * 1024)
        during[::4096] = b"y" * len(during[::4096])
        del during
    assert busy["peak"]["me"] >= quiet["peak"]["me"] + 40


def test_every_symbol_of_the_bench_is_an_order_its_venue_takes() -> None:
    """BingX, where the bench's alerts go, for all 50; Binance too for the 45 the bench sized
    itself (the first five keep the quantities the bench has always sent)."""
    bingx = {i.base + i.quote: i for i in bingx_instruments()}
    binance = {i.base + i.quote: i for i in binance_instruments()}
    assert list(SYMBOLS) == list(bingx) and len(SYMBOLS) == 50
    for n, (symbol, text) in enumerate(SYMBOLS.items()):
        quantity = Decimal(text)
        for inst in (bingx[symbol], binance[symbol]) if n >= 5 else (bingx[symbol],):
            assert quantity % inst.qty_step == 0 and quantity >= inst.min_qty, symbol
            assert quantity * inst.price >= inst.min_notional, symbol


@pytest.mark.parametrize(
    ("kept", "goal_count"),
    [
        # --pipeline-only: the full pipeline, test: true and the three refusal kinds.
        (("config", "sustained", "test_vs_real", "refusal", "phases_s", "load_average"), 5),
        # --burst-only: the burst's four and memory.
        (("config", "burst", "idle_mb", "peak_mb", "phases_s", "load_average"), 5),
    ],
)
def test_a_run_of_one_part_reports_that_part_and_its_goals(kept: tuple[str, ...], goal_count: int) -> None:
    whole = sample() | {
        "phases_s": {"x": 1.0},
        "load_average": {"before": [1.0, 1.0, 1.0], "after": [2.0, 2.0, 2.0]},
    }
    part = {key: whole[key] for key in kept}
    if "burst" in part:
        part["burst"] = {"tvbridge": part["burst"]["tvbridge"]}
        part["peak_mb"] = {k: v for k, v in part["peak_mb"].items() if k != "naive"}
        part["idle_mb"] = {k: v for k, v in part["idle_mb"].items() if k != "naive"}
    assert len(goals(part)) == goal_count and all(met for _, met, _ in goals(part))
    text = report(part)
    assert "| end to end p50" not in text and "load average (1, 5, 15 min), before -> after: 1.00" in text
    assert ("| candle close" in text) is ("burst" in part) and ("| refusal path" in text) is (
        "refusal" in part
    )
