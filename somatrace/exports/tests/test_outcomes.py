"""Outcome CSVs: per client and for the caseload, expectations worked out by hand."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from somatrace.audit.models import AuditEvent
from somatrace.exports import outcomes
from somatrace.measures.testing import make_administration, phq9_answers
from somatrace.testing import make_client

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[3] / "docs" / "exports.md"


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def test_client_outcomes_by_hand(login, practitioner, client_record) -> None:
    first = make_administration(client_record, "PHQ9", answers=phq9_answers(20), days_ago=30)
    later = make_administration(client_record, "PHQ9", answers=phq9_answers(10), days_ago=10)
    # GAD-7 with item 4 unanswered: no published missing rule, so not scored.
    gad = make_administration(client_record, "GAD7", answers=[0, 1, 2, None, 3, 0, 1], days_ago=5)
    response = login(practitioner).get(f"/clients/{client_record.pk}/export/outcomes.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = read_csv(response.content)
    assert list(rows[0]) == [c.name for c in outcomes.CLIENT_COLUMNS]
    assert [r["administration_id"] for r in rows] == [str(first.pk), str(later.pk), str(gad.pk)]
    assert (rows[0]["instrument"], rows[0]["total"], rows[0]["band"]) == ("PHQ-9", "20", "Severe")
    assert (rows[0]["change_from_first"], rows[0]["change_reading"]) == ("0", "First score")
    # 20 -> 10: a 10-point fall, well past PHQ-9's reliable change threshold (about 5-6).
    assert (rows[1]["total"], rows[1]["band"], rows[1]["change_from_first"]) == (
        "10",
        "Moderate",
        "-10",
    )
    assert rows[1]["change_reading"] == "Reliable improvement"
    assert (rows[2]["instrument"], rows[2]["valid"], rows[2]["total"]) == ("GAD-7", "no", "")
    assert rows[2]["change_reading"] == ""
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.action, event.client_id) == ("export", client_record.pk)
    assert event.shown == {"measures.administration": sorted([first.pk, later.pk, gad.pk])}


def _improvers(practice: Any, practitioner: Any, n: int) -> None:
    """n clients whose PHQ-9 fell from 20 (severe) to 4 (below the cut-off of 10)."""
    for _ in range(n):
        client = make_client(practice, practitioner, consented=True)
        make_administration(client, "PHQ9", answers=phq9_answers(20), days_ago=40)
        make_administration(client, "PHQ9", answers=phq9_answers(4), days_ago=1)


def caseload(browser: Any) -> dict[str, dict[str, str]]:
    response = browser.get("/exports/caseload.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="somatrace-caseload.csv"'
    return {row["instrument"]: row for row in read_csv(response.content)}


def test_caseload_with_five_clients_gives_counts_and_percentages(
    login, owner, practice, practitioner
) -> None:
    _improvers(practice, practitioner, 5)
    rows = caseload(login(owner))
    phq = rows["PHQ-9"]
    assert (phq["clients"], phq["suppressed"]) == ("5", "no")
    assert (phq["recovered_n"], phq["recovered_percent"]) == ("5", "100")
    assert (phq["improved_n"], phq["unchanged_n"], phq["deteriorated_n"]) == ("0", "0", "0")
    # No one has GAD-7 scores: 0 clients is fewer than 5, so nothing is given.
    assert rows["GAD-7"]["suppressed"] == "yes"
    assert rows["GAD-7"]["clients"] == ""
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None and (event.action, event.object_type) == (
        "export",
        "measures.caseload",
    )
    assert len(event.object_ids) == 5


def test_caseload_with_four_clients_is_suppressed(login, owner, practice, practitioner) -> None:
    _improvers(practice, practitioner, 4)
    phq = caseload(login(owner))["PHQ-9"]
    assert phq["suppressed"] == "yes"
    assert {k: v for k, v in phq.items() if k not in ("instrument", "suppressed")} == {
        c.name: "" for c in outcomes.CASELOAD_COLUMNS[1:] if c.name != "suppressed"
    }


def test_a_practitioner_counts_only_their_own_clients(
    login, practice, practitioner, colleague
) -> None:
    _improvers(practice, practitioner, 5)
    assert caseload(login(colleague))["PHQ-9"]["suppressed"] == "yes"
    assert caseload(login(practitioner))["PHQ-9"]["clients"] == "5"


def test_another_practice_sees_none_of_these_clients(login, practice, practitioner, outsider):
    _improvers(practice, practitioner, 5)
    assert caseload(login(outsider))["PHQ-9"]["suppressed"] == "yes"


@pytest.mark.parametrize("who,status", [("outsider", 404), ("colleague", 404), ("assistant", 403)])
def test_the_wrong_user_gets_no_client_csv(request, login, client_record, who, status) -> None:
    make_administration(client_record, "PHQ9", answers=phq9_answers(12))
    user = request.getfixturevalue(who)
    response = login(user).get(f"/clients/{client_record.pk}/export/outcomes.csv")
    assert response.status_code == status
    assert b"PHQ-9" not in response.content
    assert not AuditEvent.objects.filter(actor=user, client_id=client_record.pk).exists()


def test_assistants_get_no_caseload_csv(login, assistant) -> None:
    assert login(assistant).get("/exports/caseload.csv").status_code == 403


def test_the_docs_list_every_column() -> None:
    text = DOCS.read_text()
    for column in (*outcomes.CLIENT_COLUMNS, *outcomes.CASELOAD_COLUMNS):
        assert f"| `{column.name}` |" in text, column.name


def test_the_csvs_take_a_bounded_number_of_queries(
    login, owner, practice, practitioner, client_record, django_assert_max_num_queries
) -> None:
    _improvers(practice, practitioner, 6)
    for days in range(5):
        make_administration(client_record, "PHQ9", answers=phq9_answers(days), days_ago=days)
    browser = login(owner)
    with django_assert_max_num_queries(10):
        assert browser.get(f"/clients/{client_record.pk}/export/outcomes.csv").status_code == 200
    with django_assert_max_num_queries(10):
        assert browser.get("/exports/caseload.csv").status_code == 200
