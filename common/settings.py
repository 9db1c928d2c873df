"""Settings plumbing shared by the services.

Every secret may come from `NAME` or from a file named by `NAME_FILE` (Docker
and Kubernetes secrets); the file wins so a stray env var cannot shadow a
mounted secret. Secret fields are `SecretStr`, so `repr(settings)` never
shows them, and each loaded secret is registered with the log scrubber.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from common import jsonlog


class FileSecretsSource(PydanticBaseSettingsSource):
    """Reads `<FIELD>_FILE` for every SecretStr field."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, field in self.settings_cls.model_fields.items():
            if field.annotation not in (SecretStr, SecretStr | None):
                continue
            path = os.environ.get(f"{name.upper()}_FILE")
            if path:
                text = Path(path).read_text(encoding="utf-8").strip()
                # An empty file is no secret: compose and Kubernetes mount a file for every
                # secret they declare, including a venue the owner does not use.
                if text:
                    values[name] = text
        return values


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    log_level: str = "INFO"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, FileSecretsSource(settings_cls), env_settings, dotenv_settings)

    def model_post_init(self, context: Any, /) -> None:
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                jsonlog.register_secret(value.get_secret_value())


def secret_value(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""


ACCOUNT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def parse_accounts(text: str, variable: str) -> dict[str, tuple[str, str]]:
    """`name:api_key:secret_key` entries, one per line or comma-separated."""
    accounts: dict[str, tuple[str, str]] = {}
    for raw in re.split(r"[,\n]", text):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        parts = [p.strip() for p in entry.split(":")]
        if len(parts) != 3 or not all(parts):
            # Never echo the entry: it holds keys.
            raise ValueError(f"{variable}: each entry is name:api_key:secret_key (entry {len(accounts) + 1})")
        name = parts[0].lower()
        if not ACCOUNT_NAME.match(name):
            raise ValueError(f"{variable}: account name {name!r} must be 1-32 of a-z, 0-9, _ and -")
        if name in accounts:
            raise ValueError(f"{variable}: account {name!r} is named twice")
        accounts[name] = (parts[1], parts[2])
    return accounts
