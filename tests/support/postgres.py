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

from tests.support.required import required

ADMIN_URL_VAR = "TVBRIDGE_TEST_POSTGRES"


def admin_url() -> str:
    found = os.environ.get(ADMIN_URL_VAR, "")
    return required("a PostgreSQL server", found, f".ci/run starts one and sets {ADMIN_URL_VAR}")


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
