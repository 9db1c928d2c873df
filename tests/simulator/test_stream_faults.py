"""The user-data stream faults a test can switch on, seen by a real websocket client: every
connection dropped (and new ones refused for a while), a refused handshake, late, doubled and
swapped events, and a listen key expiring now. None of them touches a REST answer."""

from __future__ import annotations

import time

import pytest
import requests
from websockets.exceptions import InvalidStatus

from tests.simulator.user_streams import WAIT_S, Binance, Bingx, control, set_faults
from tests.support.inproc import RunningSimulator


@pytest.fixture
def binance(simulator: RunningSimulator) -> Binance:
    return Binance(simulator)


def _market(venue: Binance) -> None:
    venue.order(side="BUY", type="MARKET", quantity="0.010")


def test_a_drop_cuts_every_connection_and_refuses_new_ones_for_a_while(simulator: RunningSimulator) -> None:
    binance, bingx = Binance(simulator), Bingx(simulator)
    key = binance.listen_key()
    with (
        binance.stream(f"/ws/{key}") as first,
        binance.stream(f"/private/ws/{key}") as second,
        bingx.stream() as other,
    ):
        dropped_at = time.monotonic()  # the refusal window starts no earlier than this
        assert control(simulator, "streams/drop", venue="binance", refuse_s=0.5) == {"dropped": 2}
        for stream in (first, second):
            closed = stream.closed()
            assert closed.rcvd is not None and closed.rcvd.code == 1011
        with pytest.raises(InvalidStatus) as refused, binance.stream(f"/ws/{key}"):
            pass
        assert refused.value.response.status_code == 403
        bingx.order(side="BUY", type="MARKET", quantity="0.01")  # BingX's connection was not dropped
        assert other.next("ORDER_TRADE_UPDATE")["o"]["x"] == "NEW"

    while True:  # the refusal ends with its window
        try:
            with binance.stream(f"/ws/{key}") as back:
                _market(binance)
                assert back.next("ORDER_TRADE_UPDATE")["o"]["x"] == "NEW"
            break
        except InvalidStatus:
            assert time.monotonic() - dropped_at < WAIT_S
            time.sleep(0.05)
    assert time.monotonic() - dropped_at >= 0.5


def test_a_refuse_rule_turns_away_that_many_handshakes(binance: Binance) -> None:
    set_faults(binance.sim, {"kind": "stream_refuse", "venue": "binance", "count": 1})
    key = binance.listen_key()
    with pytest.raises(InvalidStatus), binance.stream(f"/ws/{key}"):
        pass
    with binance.stream(f"/ws/{key}") as stream:
        _market(binance)
        assert stream.next("ORDER_TRADE_UPDATE")["o"]["x"] == "NEW"


def test_a_delay_holds_an_event_and_those_behind_it(binance: Binance) -> None:
    with binance.stream() as stream:
        set_faults(binance.sim, {"kind": "stream_delay", "venue": "binance", "latency_ms": 800, "count": 1})
        sent = time.monotonic()
        _market(binance)
        answered = time.monotonic()
        new = stream.frame()
        held = time.monotonic() - sent
        after = stream.frame()
    assert answered - sent < 0.8  # the REST answer was not held
    assert held >= 0.8
    assert (new["o"]["x"], after["o"]["x"]) == ("NEW", "TRADE")  # nothing overtook it


def test_a_duplicate_sends_an_event_twice(binance: Binance) -> None:
    with binance.stream() as stream:
        set_faults(binance.sim, {"kind": "stream_duplicate", "venue": "binance", "count": 1})
        _market(binance)
        frames = [stream.frame() for _ in range(4)]
    assert [f.get("o", {}).get("x", f["e"]) for f in frames] == ["NEW", "NEW", "TRADE", "ACCOUNT_UPDATE"]
    assert frames[0] == frames[1]


def test_a_reorder_swaps_the_next_two_events(binance: Binance) -> None:
    with binance.stream() as stream:
        set_faults(binance.sim, {"kind": "stream_reorder", "venue": "binance", "count": 1})
        _market(binance)
        frames = [stream.frame() for _ in range(3)]
    assert [f.get("o", {}).get("x", f["e"]) for f in frames] == ["TRADE", "NEW", "ACCOUNT_UPDATE"]


def test_stream_faults_are_drawn_per_venue_and_only_for_streams(simulator: RunningSimulator) -> None:
    binance, bingx = Binance(simulator), Bingx(simulator)
    set_faults(
        simulator,
        {"kind": "stream_duplicate", "venue": "bingx"},
        {"kind": "stream_refuse", "venue": "bingx"},
    )
    with binance.stream() as stream:
        _market(binance)
        frames = [stream.frame() for _ in range(2)]
    assert [f["o"]["x"] for f in frames] == ["NEW", "TRADE"]  # Binance's stream untouched
    assert bingx.order(side="BUY", type="MARKET", quantity="0.01")["status"] == "FILLED"  # REST untouched
    with pytest.raises(InvalidStatus), bingx.stream():
        pass
    fired = requests.get(f"{simulator.url}/_sim/faults", timeout=5).json()["fired"]
    assert fired["stream_refuse"] == 1 and fired["stream_duplicate"] == 0  # nobody listened on BingX


def test_expire_now_ends_every_live_key_of_a_venue(simulator: RunningSimulator) -> None:
    bingx = Bingx(simulator)
    first, second = bingx.listen_key(), bingx.listen_key()
    with bingx.stream(first) as a, bingx.stream(second) as b:
        listening = requests.get(f"{simulator.url}/_sim/streams", params={"venue_name": "bingx"}, timeout=5)
        assert sorted(s["listen_key"] for s in listening.json()) == sorted([first, second])
        expired = control(simulator, "streams/expire", venue="bingx")["expired"]
        assert sorted(expired) == sorted([first, second])
        assert a.next("listenKeyExpired")["listenKey"] == first
        assert b.next("listenKeyExpired")["listenKey"] == second
    assert control(simulator, "streams/expire", venue="bingx") == {"expired": []}
