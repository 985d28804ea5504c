"""Progress report, session note and aftercare sheet as PDF: what they say, who may have
them, and the audit row each leaves. PDFs are read back with pypdf, an independent reader."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps.testing import make_painting, stroke
from somatrace.measures.testing import make_administration
from somatrace.physio.testing import make_recording
from somatrace.testing import make_session
from somatrace.therapy.models import Note, NoteAmendment

# PHQ-9 answers worked out by hand: 3+3+3+2+2+1+1+1+0 = 16 (15-19 "Moderately severe",
# Kroenke 2001) and 1+1+1+1+1+0+0+0+0 = 5 (5-9 "Mild"); first to latest: 5 - 16 = -11.
FIRST_PHQ9 = [3, 3, 3, 2, 2, 1, 1, 1, 0]
LATEST_PHQ9 = [1, 1, 1, 1, 1, 0, 0, 0, 0]


def pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def history(client_record: Any) -> dict[str, Any]:
    """A demo-like client: three sessions with ratings, two PHQ-9s, two body maps and one
    heart recording, all in the last two months."""
    sessions = [
        make_session(
            client_record,
            days_ago=days,
            pre_suds=pre,
            post_suds=post,
            pre_calm=3,
            post_calm=7,
            pre_tension=6,
            post_tension=3,
        )
        for days, pre, post in ((50, 8, 5), (30, 7, 4), (5, 5, 2))
    ]
    make_administration(client_record, "PHQ9", answers=FIRST_PHQ9, days_ago=49)
    make_administration(client_record, "PHQ9", answers=LATEST_PHQ9, days_ago=4)
    first = make_painting(client_record, session=sessions[0], moment="pre")
    last = make_painting(
        client_record,
        session=sessions[2],
        moment="post",
        strokes=[stroke([(130, 200), (160, 260)], layer="weaker")],
    )
    recording = make_recording(client_record, sessions[2])
    return {"sessions": sessions, "paintings": [first, last], "recording": recording}


def _post(browser: Any, client_id: int, **extra: Any) -> Any:
    today = timezone.localdate()
    data = {
        "start": (today - timedelta(days=60)).isoformat(),
        "end": today.isoformat(),
        "sections": ["sessions", "measures", "bodymaps", "heart"],
        "pdf": "1",
    }
    data.update(extra)
    return browser.post(reverse("reports_progress", args=[client_id]), data)


@pytest.mark.django_db
def test_progress_report_pdf_names_the_client_the_practice_and_the_scores(
    login, practitioner, client_record, history
) -> None:
    response = _post(login(practitioner), client_record.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert client_record.name not in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Riverside Practice" in text
    assert "Quinn Example" in text
    assert "Progress report" in text
    assert "16" in text and "Moderately severe" in text
    assert "Mild" in text
    assert "-11" in text  # first to latest, by hand
    assert "Reliable change" in text
    assert "do not show" in text
    assert "8 → 5" in text  # first session's SUDS before -> after
    assert "First in the period" in text and "Last in the period" in text
    assert "likely range" in text
    # The charts are drawn into the PDF as vectors, their words with them: the ratings
    # chart's panel titles and the heart chart's, which only the charts carry.
    assert "Distress (SUDS)" in text and "Body tension" in text
    assert "Heart rate (bpm)" in text and "RMSSD (ms)" in text
    # The two body maps are pictures in the PDF.
    reader = PdfReader(io.BytesIO(response.content))
    assert sum(len(page.images) for page in reader.pages) >= 2


@pytest.mark.django_db
def test_producing_the_pdf_is_audited_as_an_export_naming_its_sections(
    login, practitioner, client_record, history
) -> None:
    _post(login(practitioner), client_record.pk, sections=["sessions", "measures"])
    row = AuditEvent.objects.get(action="export")
    assert row.actor == practitioner
    assert row.client_id == client_record.pk
    assert row.fields == ["measures", "sessions"]
    assert sorted(row.shown["therapy.session"]) == sorted(s.pk for s in history["sessions"])
    assert "bodymaps.painting" not in row.shown


@pytest.mark.django_db
def test_a_section_left_out_is_not_in_the_pdf(login, practitioner, client_record, history) -> None:
    text = pdf_text(_post(login(practitioner), client_record.pk, sections=["sessions"]).content)
    assert "Sessions and how they felt" in text
    assert "Questionnaires" not in text
    assert "Body maps" not in text


@pytest.mark.django_db
def test_the_page_previews_the_same_report_and_audits_one_read(
    login, practitioner, client_record, history, django_assert_max_num_queries
) -> None:
    browser = login(practitioner)
    url = reverse("reports_progress", args=[client_record.pk])
    with django_assert_max_num_queries(15):
        response = browser.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Riverside Practice" in page
    assert "Moderately severe" in page
    assert 'src="data:image/svg+xml;base64,' in page  # the chart, as the PDF has it
    assert 'src="data:image/png;base64,' in page  # the body maps
    rows = list(AuditEvent.objects.filter(client_id=client_record.pk))
    assert [r.action for r in rows] == ["read"]


@pytest.mark.django_db
def test_query_count_does_not_grow_with_sessions(
    login, practitioner, client_record, history, django_assert_max_num_queries
) -> None:
    for days in range(6, 36):
        make_session(client_record, days_ago=days, pre_suds=6, post_suds=3)
    browser = login(practitioner)
    with django_assert_max_num_queries(15):  # one per section, whatever the number of sessions
        response = _post(browser, client_record.pk, pdf="", preview="1")
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_period_that_ends_before_it_starts_gets_a_message(
    login, practitioner, client_record
) -> None:
    response = _post(login(practitioner), client_record.pk, start="2026-05-01", end="2026-04-01")
    assert response.status_code == 400
    assert "comes before its start" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_a_period_longer_than_three_years_is_refused(login, practitioner, client_record) -> None:
    response = _post(login(practitioner), client_record.pk, start="2020-01-01", end="2026-01-01")
    assert response.status_code == 400
    assert "at most three years" in response.content.decode()


@pytest.mark.django_db
def test_nonsense_dates_and_no_sections_get_messages(login, practitioner, client_record) -> None:
    response = _post(login(practitioner), client_record.pk, start="yesterday", sections=[])
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid date" in page
    assert "Choose at least one section" in page


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "colleague", "assistant"])
def test_the_wrong_user_gets_no_progress_report(request, login, client_record, history, who):
    browser = login(request.getfixturevalue(who))
    url = reverse("reports_progress", args=[client_record.pk])
    for response in (browser.get(url), _post(browser, client_record.pk)):
        assert response.status_code in (403, 404)
        assert client_record.name.encode() not in response.content
    assert not AuditEvent.objects.filter(client_id=client_record.pk).exists()


@pytest.fixture
def signed_session(client_record: Any, practitioner: Any) -> Any:
    session = make_session(
        client_record,
        subjective="Shoulders tight after a long week",
        plan="Grounding practice daily",
        aftercare="Drink water and rest this evening.",
    )
    session.signed_at = timezone.now()
    session.signed_by = practitioner
    session.save()
    note = Note.objects.get(session=session)
    NoteAmendment.objects.create(
        note=note,
        author=practitioner,
        reason="Corrected the plan",
        subjective=note.subjective,
        plan="Grounding practice twice daily",
    )
    return session


@pytest.mark.django_db
def test_note_pdf_shows_the_signed_note_and_lists_its_amendments(
    login, practitioner, client_record, signed_session
) -> None:
    response = login(practitioner).get(reverse("reports_note_pdf", args=[signed_session.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Riverside Practice" in text and "Quinn Example" in text
    assert "Shoulders tight after a long week" in text
    assert "Amendments (1)" in text
    assert "Corrected the plan" in text
    assert "Grounding practice twice daily" in text
    assert "DRAFT" not in text
    row = AuditEvent.objects.get(action="export")
    assert (row.object_type, row.client_id) == ("therapy.note", client_record.pk)


@pytest.mark.django_db
def test_an_unsigned_note_pdf_says_draft(login, practitioner, client_record) -> None:
    session = make_session(client_record, subjective="Still writing")
    response = login(practitioner).get(reverse("reports_note_pdf", args=[session.pk]))
    text = pdf_text(response.content)
    assert "DRAFT" in text and "Still writing" in text


@pytest.mark.django_db
def test_aftercare_sheet_has_the_aftercare_text_and_no_clinical_note(
    login, practitioner, client_record, signed_session
) -> None:
    response = login(practitioner).get(reverse("reports_aftercare_pdf", args=[signed_session.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Drink water and rest this evening." in text
    assert "Riverside Practice" in text
    assert "Shoulders tight" not in text
    row = AuditEvent.objects.get(action="export")
    assert (row.object_type, row.fields) == ("therapy.session", ["aftercare"])


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "colleague", "assistant"])
@pytest.mark.parametrize("name", ["reports_note_pdf", "reports_aftercare_pdf"])
def test_the_wrong_user_gets_no_session_pdf(
    request, login, client_record, signed_session, who, name
):
    response = login(request.getfixturevalue(who)).get(reverse(name, args=[signed_session.pk]))
    assert response.status_code in (403, 404)
    assert b"%PDF" not in response.content
    assert client_record.name.encode() not in response.content
    assert not AuditEvent.objects.filter(client_id=client_record.pk).exists()


@pytest.mark.django_db
def test_client_and_session_pages_link_to_the_reports(
    login, practitioner, assistant, client_record, signed_session
) -> None:
    browser = login(practitioner)
    client_page = browser.get(reverse("client_detail", args=[client_record.pk])).content.decode()
    assert reverse("reports_progress", args=[client_record.pk]) in client_page
    session_page = browser.get(reverse("session_detail", args=[signed_session.pk])).content.decode()
    assert reverse("reports_note_pdf", args=[signed_session.pk]) in session_page
    assert reverse("reports_aftercare_pdf", args=[signed_session.pk]) in session_page
    assistant_page = login(assistant).get(reverse("client_detail", args=[client_record.pk]))
    assert (
        reverse("reports_progress", args=[client_record.pk]) not in assistant_page.content.decode()
    )


@pytest.mark.django_db
def test_a_period_with_nothing_recorded_says_so(login, practitioner, client_record) -> None:
    text = pdf_text(_post(login(practitioner), client_record.pk).content)
    assert "No session in the period." in text
    assert "No questionnaire was completed in the period." in text
    assert "No body map was painted in the period." in text
    assert "No heart recording was analysed in the period." in text
