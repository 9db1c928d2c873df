from __future__ import annotations

from pathlib import Path

import pytest

from executor.config import ExecutorSettings
from gateway.config import GatewaySettings


def test_secret_from_file_wins_over_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret_file = tmp_path / "bingx_secret"
    secret_file.write_text("from-file-secret-123\n")
    monkeypatch.setenv("BINGX_SECRET_KEY", "from-env-secret-456")
    monkeypatch.setenv("BINGX_SECRET_KEY_FILE", str(secret_file))
    settings = ExecutorSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.bingx_secret_key is not None
    assert settings.bingx_secret_key.get_secret_value() == "from-file-secret-123"


def test_repr_never_shows_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BINGX_API_KEY", "visible-key-abcdef")
    monkeypatch.setenv("BINGX_SECRET_KEY", "hidden-secret-abcdef")
    text = repr(ExecutorSettings(_env_file=None))  # type: ignore[call-arg]
    assert "hidden-secret-abcdef" not in text
    assert "visible-key-abcdef" not in text


@pytest.mark.parametrize("value", ["", "changeme", "password", "short"])
def test_gateway_refuses_empty_or_placeholder_passphrase(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_PASSPHRASE", value)
    with pytest.raises(ValueError, match="WEBHOOK_PASSPHRASE"):
        GatewaySettings(_env_file=None)  # type: ignore[call-arg]


def test_gateway_accepts_a_real_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_PASSPHRASE", "Xq83-unguessable-phrase")
    settings = GatewaySettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.gateway_port == 5000
    assert settings.executor_addr == "localhost:50051"
    assert settings.default_exchange == "bingx"


def test_an_empty_secret_file_is_no_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compose mounts a file for every declared secret, also for the venue an owner does not use."""
    empty = tmp_path / "binance_api_key"
    empty.write_text("\n")
    monkeypatch.setenv("BINANCE_API_KEY_FILE", str(empty))
    monkeypatch.setenv("BINANCE_SECRET_KEY_FILE", str(empty))
    settings = ExecutorSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.binance_api_key is None and settings.binance_secret_key is None
    monkeypatch.setenv("DASHBOARD_PASSWORD_FILE", str(empty))
    monkeypatch.setenv("WEBHOOK_PASSPHRASE", "Xq83-unguessable-phrase")
    assert GatewaySettings(_env_file=None).dashboard_password is None  # type: ignore[call-arg]
