"""The client's own progress in the portal: only what the practitioner shares, in plain words
that never claim the therapy worked."""

from __future__ import annotations

from typing import Any

import pytest

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps.testing import make_painting
from somatrace.clients.services import set_progress_sharing
from somatrace.measures.testing import make_administration, phq9_answers
from somatrace.measures.tests.test_plain import CLAIMS
from somatrace.testing import make_client, make_client_account, make_session, staff_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(client: Any, portal_login: Any, client_record: Any) -> Any:
    return portal_login(client, make_client_account(client_record))


@pytest.fixture
def history(client_record: Any) -> dict[str, Any]:
    """Two sessions with ratings, two PHQ-9 scores (15 then 8), a body map."""
    first = make_session(
        client_record, days_ago=20, pre_suds=7, post_suds=3, pre_calm=3, post_calm=6
    )
    second = make_session(client_record, days_ago=6, pre_suds=5, post_suds=5)
    make_administration(client_record, "PHQ9", answers=phq9_answers(15), days_ago=20)
    make_administration(client_record, "PHQ9", answers=phq9_answers(8), days_ago=5)
    painting = make_painting(client_record, session=second, moment="post")
    return {"sessions": [first, second], "painting": painting}


def _share(client_record: Any, practitioner: Any, **kinds: bool) -> None:
    wanted = {"ratings": False, "scores": False, "bodymaps": False, **kinds}
    set_progress_sharing(staff_actor(practitioner), client_record, **wanted)


def test_nothing_is_shown_until_the_practitioner_shares_it(portal, history) -> None:
    page = portal.get("/portal/progress/").content.decode()
    assert "has not shared any progress here yet" in page
    for heading in ("Your ratings", "Your questionnaire scores", "Your body maps"):
        assert heading not in page
    assert "PHQ-9" not in page
    assert "distress 7 before" not in page


def test_shared_ratings_and_scores_are_shown_in_plain_words(
    portal, history, client_record, practitioner
) -> None:
    _share(client_record, practitioner, ratings=True, scores=True)
    page = portal.get("/portal/progress/").content.decode()
    # Ratings: only the first session has a distress pair that ended lower (7 -> 3; 5 -> 5).
    assert "In 1 of 2 sessions your distress was lower at the end than at the start." in page
    assert "distress 7 before, 3 after; calm 3 before, 6 after." in page
    # PHQ-9 15 -> 8: 7 points, at least the 6 needed; from 10 or more to below 10.
    assert "Your PHQ-9 score went from 15 to 8." in page
    assert "This is a reliable change, the better way on this questionnaire." in page
    assert "It does not say what caused the change" in page
    assert "Your body maps" not in page  # not shared
    assert not CLAIMS.search(page.replace("Skip to content", ""))
    row = AuditEvent.objects.filter(actor_kind="client", action="read").last()
    assert row.client_id == client_record.pk
    assert len(row.shown["therapy.session"]) == 2
    assert len(row.shown["measures.administration"]) == 2
    assert "bodymaps.painting" not in row.shown


def test_shared_body_maps_are_drawn_with_what_was_marked(
    portal, history, client_record, practitioner
) -> None:
    _share(client_record, practitioner, bodymaps=True)
    page = portal.get("/portal/progress/").content.decode()
    assert "Your body maps over time" in page
    assert 'src="data:image/png;base64,' in page
    assert "You marked" in page or "Nothing was painted" in page
    assert "Your questionnaire scores" not in page


def test_turning_sharing_off_hides_it_again(portal, history, client_record, practitioner):
    _share(client_record, practitioner, ratings=True, scores=True, bodymaps=True)
    _share(client_record, practitioner)
    page = portal.get("/portal/progress/").content.decode()
    assert "PHQ-9" not in page and "distress" not in page and "data:image/png" not in page


def test_another_clients_shared_progress_never_shows(
    portal, practice, practitioner, client_record
) -> None:
    other = make_client(practice, practitioner, name="Robin Other")
    make_session(other, pre_suds=9, post_suds=1)
    make_administration(other, "PHQ9", answers=phq9_answers(20))
    set_progress_sharing(staff_actor(practitioner), other, ratings=True, scores=True, bodymaps=True)
    _share(client_record, practitioner, ratings=True, scores=True)
    page = portal.get("/portal/progress/").content.decode()
    assert "9 before, 1 after" not in page
    assert "PHQ-9" not in page
    assert "Robin Other" not in page


def test_the_portal_home_neither_shows_nor_audits_the_progress(
    portal, history, client_record, practitioner
) -> None:
    _share(client_record, practitioner, ratings=True, scores=True, bodymaps=True)
    page = portal.get("/portal/").content.decode()
    assert "PHQ-9" not in page and "data:image/png" not in page
    assert 'href="/portal/progress/"' in page  # the navigation link
    row = AuditEvent.objects.filter(actor_kind="client").last()
    assert row is None or not {"measures.administration", "bodymaps.painting"} & set(row.shown)
