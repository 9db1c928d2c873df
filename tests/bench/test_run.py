"""The benchmark harness itself: a tiny run end to end, and the network it simulates."""

from __future__ import annotations

import http.client
import time

import pytest

from bench import run as bench
from bench.goals import goals
from bench.report import results_md
from bench.systems import network
from tests.support.inproc import RunningSimulator

pytestmark = pytest.mark.e2e


def test_the_delay_proxy_costs_round_trips_as_a_network_does(simulator: RunningSimulator) -> None:
    with network(simulator.port, rtt_ms=60) as url:
        port = int(url.rsplit(":", 1)[1])
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/openApi/swap/v2/server/time")
        assert conn.getresponse().read()
        first = time.perf_counter() - started
        started = time.perf_counter()
        conn.request("GET", "/openApi/swap/v2/server/time")
        assert conn.getresponse().read()
        again = time.perf_counter() - started
        conn.close()
    # A new connection: handshake plus request, two round trips; a kept one: one.
    assert 0.115 <= first < 0.5
    assert 0.055 <= again < 0.115


def test_a_small_run_measures_both_systems(tmp_path: object) -> None:
    ns = bench.parser().parse_args(
        [
            *("--seconds", "1", "--rtt-ms", "5", "--burst", "60", "--size-signals", "5"),
            *("--pipeline-seconds", "0.5", "--pipeline-connections", "8", "--test-seconds", "0.5"),
            *("--refusal-seconds", "0.2", "--refusal-connections", "4"),
            *("--oco-positions", "1", "--ladders", "1", "--updates", "2"),
        ]
    )
    out = bench.run(ns)
    out["machine"] = {"cpus": 2, "python": "3.11", "date": "2026-11-21"}
    ours, naive = out["steady"]["tvbridge"], out["steady"]["naive"]
    assert ours["failed"] == naive["failed"] == 0 and ours["signals"] == 20
    assert ours["venue_requests_per_signal"] == 1.0 and naive["venue_requests_per_signal"] == 4.0
    # A balance read serves a signal on another symbol that overlaps it (the adapter's 2 s cache),
    # which a loaded machine makes more likely: the goal is at most two, the order and the balance.
    assert out["requests_per_signal"]["quantity"] == 1.0
    assert 1.0 < out["requests_per_signal"]["balance_pct"] <= 2.0
    # Over all 50 symbols, one alert each plus ten: every one placed once, told apart at the venue.
    for name in ("tvbridge", "naive"):
        fired = out["burst"][name]
        assert (fired["sent"], fired["symbols"], fired["lost"], fired["doubled"]) == (60, 50, 0, 0), name
        assert fired["answered"]["count"] == fired["executed"]["count"] == 60, fired
    fired = out["burst"]["tvbridge"]
    assert fired["journalled"]["count"] == 60 and fired["journal_executed"] == 60
    assert fired["journalled"]["max"] <= fired["decided"]["max"]
    assert set(fired["peak_mb"]) == {"gateway", "executor"} and fired["peak_mb"]["gateway"] > 20
    assert set(out["peak_mb"]) == {"gateway", "executor", "naive"}
    # The pipeline stack: every signal sent executed once, test signals as tests, every refusal
    # for its own reason from both.
    run = out["sustained"]
    assert run["sent"] > 0 and (run["failed"], run["doubled"]) == (0, 0) and run["executed_per_s"] > 0
    assert out["test_vs_real"]["test"]["not_executed"] == out["test_vs_real"]["real"]["not_executed"] == 0
    for kind, figures in out["refusal"]["kinds"].items():
        assert figures["tvbridge"]["per_s"] > 0 and figures["reference"]["per_s"] > 0, kind
    # After the other phases' positions are flattened, one take-profit and its stop per venue.
    assert {venue: out["oco"][venue]["missed"] for venue in ("bingx", "binance")} == {
        "bingx": 0,
        "binance": 0,
    }
    # One ladder a venue: two moves of its stop, then closed; two updates; never bare.
    for venue in ("bingx", "binance"):
        moved, updated = out["exits"]["ladders"][venue], out["exits"]["updates"][venue]
        assert (moved["moves"], moved["missed"], moved["not_sized"], moved["not_closed"]) == (2, 0, 0, 0), (
            moved
        )
        assert moved["reads"] > 0 and moved["bare"] == 0, moved
        assert (updated["missed"], updated["bare"], updated["requests_before_p50"]) == (0, 0, 2), updated
    assert len(goals(out)) == 19
    written = results_md(out, "python -m bench.run")
    assert "| end to end p50, ms |" in written and "| fill event -> siblings cancelled" in written
    assert "| take-profit fill -> stop moved" in written and "| update -> new stop resting" in written
