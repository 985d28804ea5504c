"""Caseload: counts per outcome per instrument, with no figures for groups under 5."""

from __future__ import annotations

import pytest

from somatrace.measures.summary import MIN_GROUP
from somatrace.measures.testing import make_administration, phq9_answers
from somatrace.testing import make_client


def _pair(client, before: int, after: int) -> None:
    make_administration(client, "PHQ9", answers=phq9_answers(before), days_ago=60)
    make_administration(client, "PHQ9", answers=phq9_answers(after), days_ago=1)


def _caseload(practice, practitioner, pairs) -> None:
    for before, after in pairs:
        _pair(make_client(practice, practitioner), before, after)


# before -> after on PHQ-9 (reliable change >= 6, cut-off 10):
PAIRS = [
    (15, 5),  # -10, 15 >= 10 > 5: recovered
    (18, 8),  # recovered
    (22, 14),  # -8 but 14 >= 10: improved
    (12, 10),  # -2: unchanged
    (6, 13),  # +7: deteriorated
]


def test_counts_with_percentages(login, practitioner, practice) -> None:
    _caseload(practice, practitioner, PAIRS)
    response = login(practitioner).get("/measures/caseload/")
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index('data-instrument="PHQ9"') :]
    row = row[: row.index("</tr>")]
    # 5 clients: 2 recovered (40 %), 1 improved (20 %), 1 unchanged (20 %), 1 deteriorated (20 %)
    assert '<td class="num">5</td>' in row
    assert 'data-category="recovered">2 <span class="muted">(40 %)' in row
    assert 'data-category="improved">1 <span class="muted">(20 %)' in row
    assert 'data-category="deteriorated">1 <span class="muted">(20 %)' in row


def test_groups_under_the_minimum_show_no_figure(login, practitioner, practice) -> None:
    assert MIN_GROUP == 5
    _caseload(practice, practitioner, PAIRS[:4])
    html = login(practitioner).get("/measures/caseload/").content.decode()
    row = html[html.index('data-instrument="PHQ9"') :]
    row = row[: row.index("</tr>")]
    assert "Fewer than 5 clients" in row and "%" not in row


def test_practitioner_counts_only_their_clients_owner_the_practice(
    login, practitioner, colleague, owner, practice
) -> None:
    _caseload(practice, practitioner, PAIRS)
    colleague_html = login(colleague).get("/measures/caseload/").content.decode()
    assert "Fewer than 5 clients" in colleague_html
    owner_html = login(owner).get("/measures/caseload/").content.decode()
    assert "the practice" in owner_html and '<td class="num">5</td>' in owner_html


def test_outsider_and_assistant_see_nothing_of_the_practice(
    login, practitioner, practice, outsider, assistant
) -> None:
    _caseload(practice, practitioner, PAIRS)
    assert "Fewer than 5" in login(outsider).get("/measures/caseload/").content.decode()
    assert login(assistant).get("/measures/caseload/").status_code == 403


@pytest.mark.parametrize("size", [5, 20])
def test_bounded_queries(
    login, practitioner, practice, django_assert_max_num_queries, size
) -> None:
    _caseload(practice, practitioner, (PAIRS * 4)[:size])
    browser = login(practitioner)
    with django_assert_max_num_queries(8):
        assert browser.get("/measures/caseload/").status_code == 200


def test_caseload_read_is_audited_as_a_list(login, practitioner, practice) -> None:
    from somatrace.audit.models import AuditEvent

    _caseload(practice, practitioner, PAIRS[:2])
    login(practitioner).get("/measures/caseload/")
    event = AuditEvent.objects.get(actor=practitioner, object_type="measures.caseload")
    assert len(event.object_ids) == 2
