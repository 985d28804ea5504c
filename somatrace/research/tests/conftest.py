from __future__ import annotations

from typing import Any

import pytest

from somatrace.research.testing import add_score, birth, make_project, make_research_client
from somatrace.testing import make_session

# GAD-7 first -> latest (hand-worked in test_stats): mean change -2, 95 % CI -9.13 to 5.13.
FIVE = ((15, 8), (12, 10), (18, 11), (9, 16), (14, 13))
NAMES = ("Ada Alpha", "Ben Bravo", "Cy Charlie", "Di Delta", "Ed Echo")


@pytest.fixture
def cohort(practice: Any, practitioner: Any) -> list[Any]:
    """Five consenting clients aged 34 with two GAD-7 scores and two sessions each."""
    people = []
    for name, (first, latest) in zip(NAMES, FIVE, strict=True):
        client = make_research_client(
            practice, practitioner, name=name, email=f"{name.split()[0].lower()}@mail.test",
            date_of_birth=birth(34),
        )  # fmt: skip
        add_score(client, "GAD7", first, days_ago=60)
        add_score(client, "GAD7", latest, days_ago=5)
        make_session(client, days_ago=59, subjective="Private words of the session")
        make_session(client, days_ago=30)
        people.append(client)
    return people


@pytest.fixture
def project(practice: Any, owner: Any) -> Any:
    return make_project(practice, owner)
