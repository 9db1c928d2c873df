"""A fresh PostgreSQL database per test, on the server named by TVBRIDGE_TEST_POSTGRES.

CI installs and starts a real server and sets the variable; without it the PostgreSQL runs
are skipped locally, but never in CI.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

ADMIN_URL_VAR = "TVBRIDGE_TEST_POSTGRES"


def admin_url() -> str:
    url = os.environ.get(ADMIN_URL_VAR, "")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{ADMIN_URL_VAR} is not set: .ci/run starts PostgreSQL and must set it")
        pytest.skip(f"no PostgreSQL server ({ADMIN_URL_VAR} unset)")
    return url


@contextmanager
def fresh_database() -> Iterator[str]:
    admin = admin_url()
    name = f"tvb_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
