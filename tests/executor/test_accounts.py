"""Several key sets per venue: configured by name, built into their own adapters, kept secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from common import jsonlog
from executor.config import ExecutorSettings
from executor.core.engine import ExecutionEngine
from executor.core.model import Outcome, Venue
from executor.wiring import build_adapters
from tests.conftest import make_signal
from tests.executor.conftest import VenueRig

SCALP_KEY, SCALP_SECRET = "scalp-key-5c4b3a29", "scalp-secret-99887766554433221100"


@pytest.fixture(autouse=True)
def no_venue_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for venue in ("BINGX", "BINANCE"):
        for name in ("API_KEY", "SECRET_KEY", "ACCOUNTS", "ACCOUNTS_FILE", "BASE_URL"):
            monkeypatch.delenv(f"{venue}_{name}", raising=False)


def settings(**fields: object) -> ExecutorSettings:
    return ExecutorSettings(_env_file=None, **fields)  # type: ignore[call-arg, arg-type]


def test_named_key_sets_sit_beside_the_default_one() -> None:
    s = settings(
        bingx_api_key=SecretStr("main-key"),
        bingx_secret_key=SecretStr("main-secret"),
        bingx_accounts=SecretStr(f"Scalp:{SCALP_KEY}:{SCALP_SECRET}\n# a comment\nswing:k2:s2"),
    )
    assert s.accounts(Venue.BINGX) == {
        "default": ("main-key", "main-secret"),
        "scalp": (SCALP_KEY, SCALP_SECRET),
        "swing": ("k2", "s2"),
    }
    built = build_adapters(s)
    assert sorted(account for venue, account in built if venue is Venue.BINGX) == [
        "default",
        "scalp",
        "swing",
    ]
    assert built[(Venue.BINGX, "scalp")].account == "scalp"
    # Each key set gets its own connection pool.
    assert len({id(getattr(a, "http", None)) for a in built.values()}) == len(built)


def test_key_sets_come_from_a_mounted_secret_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "binance_accounts"
    path.write_text(f"scalp:{SCALP_KEY}:{SCALP_SECRET}\n", encoding="utf-8")
    monkeypatch.setenv("BINANCE_ACCOUNTS_FILE", str(path))
    assert settings().accounts(Venue.BINANCE) == {"scalp": (SCALP_KEY, SCALP_SECRET)}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (f"scalp:{SCALP_KEY}", "name:api_key:secret_key"),
        (f"scalp:{SCALP_KEY}:{SCALP_SECRET}:extra", "name:api_key:secret_key"),
        (f"bad name:{SCALP_KEY}:{SCALP_SECRET}", "must be 1-32"),
        (f"a:{SCALP_KEY}:{SCALP_SECRET},A:k:s", "named twice"),
    ],
)
def test_malformed_key_sets_are_refused_without_echoing_a_key(text: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        settings(bingx_accounts=SecretStr(text))
    assert words in str(caught.value)
    assert SCALP_KEY not in str(caught.value) and SCALP_SECRET not in str(caught.value)


def test_a_named_default_clashing_with_the_plain_keys_is_refused() -> None:
    s = settings(
        bingx_api_key=SecretStr("k"), bingx_secret_key=SecretStr("s"), bingx_accounts=SecretStr("default:a:b")
    )
    with pytest.raises(ValueError, match="names 'default'"):
        s.accounts(Venue.BINGX)


def test_every_named_key_and_secret_is_scrubbed_from_logs() -> None:
    settings(bingx_accounts=SecretStr(f"scalp:{SCALP_KEY}:{SCALP_SECRET}"))
    text = jsonlog.scrub(f"signing with {SCALP_KEY} and {SCALP_SECRET}")
    assert SCALP_KEY not in text and SCALP_SECRET not in text
    assert "scalp:" not in repr(settings(bingx_accounts=SecretStr(f"scalp:{SCALP_KEY}:{SCALP_SECRET}")))


def test_a_signal_trades_on_the_account_it_names_and_no_other(rig: VenueRig) -> None:
    exchange = rig.exchange
    exchange.add_account(SCALP_KEY, SCALP_SECRET, rig.account.wallet)
    scalp = rig.new_adapter(account="scalp", keys=(SCALP_KEY, SCALP_SECRET))
    engine = ExecutionEngine({(rig.venue, "default"): rig.adapter, (rig.venue, "scalp"): scalp})
    assert engine.execute(rig.signal(account="scalp")).outcome is Outcome.EXECUTED
    held = {key: [p.qty for p in exchange.positions(acct)] for key, acct in exchange.accounts.items()}
    assert held == {rig.profile.api_key: [], SCALP_KEY: [make_signal().size.value]}  # type: ignore[union-attr]
    unknown = engine.execute(rig.signal(signal_id="x", account="swing"))
    assert unknown.outcome is Outcome.REJECTED
    assert unknown.error is not None
    assert f"no account 'swing' is configured for {rig.profile.name}" in unknown.error.message
    scalp.close()
