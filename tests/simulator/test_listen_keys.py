"""Listen keys' terms on a clock the test moves: a keep-alive restarts the term, a dead key
authenticates nothing, and Binance's one-key-per-account rule."""

from __future__ import annotations

from itertools import count

from simulator.streams.listenkeys import HEX, ListenKeys, key_maker

HOUR_MS = 3_600_000


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000

    def __call__(self) -> int:
        return self.now


def keys(clock: Clock, *, one_per_account: bool) -> ListenKeys:
    serial = count(1)
    return ListenKeys(clock, HOUR_MS, lambda: f"key-{next(serial)}", one_per_account=one_per_account)


def test_a_keep_alive_restarts_the_term() -> None:
    clock = Clock()
    book = keys(clock, one_per_account=False)
    key = book.create("alice")
    clock.now += HOUR_MS - 1
    assert book.owner(key) == "alice" and book.extend(key)
    clock.now += HOUR_MS - 1
    assert book.owner(key) == "alice"
    clock.now += 1
    assert book.owner(key) is None
    assert not book.extend(key)  # too late: a dead key stays dead


def test_one_key_per_account_is_handed_back_and_extended() -> None:
    clock = Clock()
    book = keys(clock, one_per_account=True)
    key = book.create("alice")
    clock.now += HOUR_MS // 2
    assert book.create("alice") == key
    clock.now += HOUR_MS - 1  # past the first term, inside the one the second create began
    assert book.live_key_of("alice") == key
    assert book.create("bob") != key
    clock.now += 1
    assert book.live_key_of("alice") is None
    assert book.create("alice") != key


def test_a_venue_minting_a_key_per_create_keeps_them_all() -> None:
    clock = Clock()
    book = keys(clock, one_per_account=False)
    first, second = book.create("alice"), book.create("alice")
    assert first != second and book.owner(first) == book.owner(second) == "alice"
    assert book.close(first) and not book.close(first)
    assert book.owner(first) is None and book.owner(second) == "alice"


def test_expire_ends_live_keys_now_and_names_them() -> None:
    clock = Clock()
    book = keys(clock, one_per_account=False)
    a, b = book.create("alice"), book.create("bob")
    assert book.expire(a) == [a]
    assert book.owner(a) is None and book.owner(b) == "bob"
    assert book.expire() == [b]
    assert book.expire() == []


def test_made_keys_look_like_the_venues() -> None:
    made = key_maker(HEX)()
    assert len(made) == 64 and set(made) <= set(HEX)
