"""The throttle counts attempts per subject in a sliding window, in the shared database cache."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from somatrace.core.throttle import Limit, check

HOUR = timedelta(hours=1)
T0 = 1_800_000_000.0  # any fixed moment


def three_an_hour(subject: str) -> Limit:
    return Limit("test", subject, 3, HOUR)


@pytest.mark.django_db
def test_the_fourth_attempt_within_the_hour_is_refused() -> None:
    limit = three_an_hour("a")
    assert [check(limit, now=T0 + s) for s in (0, 60, 120)] == [None, None, None]
    assert check(limit, now=T0 + 180) == limit


@pytest.mark.django_db
def test_the_window_slides_one_attempt_at_a_time() -> None:
    limit = three_an_hour("a")
    for s in (0, 600, 1200):
        check(limit, now=T0 + s)
    # One hour after the first attempt, only it has left the window: one more is allowed.
    assert check(limit, now=T0 + 3600) is None
    assert check(limit, now=T0 + 3601) == limit
    # Ten minutes later the second (at 600 s) has left too.
    assert check(limit, now=T0 + 4200) is None


@pytest.mark.django_db
def test_subjects_and_scopes_are_counted_apart() -> None:
    for s in range(3):
        check(three_an_hour("a"), now=T0 + s)
    assert check(three_an_hour("b"), now=T0 + 10) is None
    assert check(Limit("other", "a", 3, HOUR), now=T0 + 10) is None


@pytest.mark.django_db
def test_a_refused_attempt_uses_up_no_other_limit() -> None:
    full, roomy = Limit("full", "x", 1, HOUR), Limit("roomy", "x", 2, HOUR)
    assert check(full, roomy, now=T0) is None  # counts one against each
    for s in (1, 2, 3):
        assert check(full, roomy, now=T0 + s) == full
    # roomy still has its second attempt: the three refusals did not count against it.
    assert check(roomy, now=T0 + 4) is None
    assert check(roomy, now=T0 + 5) == roomy


@pytest.mark.django_db
def test_counts_live_in_the_database_under_a_hashed_key() -> None:
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    limit = Limit("reset-account", "pat@example.test", 3, HOUR)
    check(limit)
    assert "pat@example.test" not in limit.key
    assert len(cache.get(limit.key)) == 1
    with connection.cursor() as cursor:  # the table core's migration made
        cursor.execute("SELECT cache_key FROM somatrace_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any(limit.key in key for key in keys)
    assert not any("pat@example.test" in key for key in keys)
