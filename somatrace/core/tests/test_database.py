"""The suite runs on the database CI asked for; a PostgreSQL run that fell back to SQLite fails."""

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_runs_on_the_expected_database() -> None:
    expected = os.environ.get("SOMATRACE_EXPECT_DATABASE")
    if expected is None:
        expected = (
            "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
        )
    assert connection.vendor == expected
