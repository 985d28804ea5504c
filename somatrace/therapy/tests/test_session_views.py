import pytest
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.testing import make_session
from somatrace.therapy.models import NoteAmendment, Session


@pytest.fixture
def session(client_record):
    return make_session(
        client_record, pre_suds=6, post_suds=2, subjective="Original words", plan="Weekly"
    )


@pytest.mark.django_db
def test_it_shows_the_session_and_audits_the_read(login, practitioner, session) -> None:
    page = login(practitioner).get(f"/sessions/{session.pk}/").content.decode()
    assert "Original words" in page and "-4" in page and "Sign and lock note" in page
    assert AuditEvent.objects.filter(
        action="read", object_type="therapy.session", object_id=session.pk
    ).exists()


@pytest.mark.django_db
def test_it_edits_a_draft(login, practitioner, session) -> None:
    data = {
        "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 45,
        "practitioner": practitioner.pk,
        "subjective": "Edited words",
        "pre_suds": 6,
        "post_suds": 2,
    }
    assert login(practitioner).post(f"/sessions/{session.pk}/edit/", data).status_code == 302
    session.refresh_from_db()
    assert session.note.subjective == "Edited words" and session.duration_minutes == 45
    session_fields = AuditEvent.objects.get(action="update", object_type="therapy.session").fields
    assert "duration_minutes" in session_fields and "subjective" not in session_fields
    note_event = AuditEvent.objects.get(action="update", object_type="therapy.note")
    assert note_event.fields == ["plan", "subjective"]  # plan was left empty on the form


@pytest.mark.django_db
def test_signing_locks_the_note(login, practitioner, session) -> None:
    browser = login(practitioner)
    assert browser.post(f"/sessions/{session.pk}/sign/").status_code == 302
    session.refresh_from_db()
    assert session.is_signed and session.signed_by == practitioner
    # Editing now redirects to an amendment; a direct POST changes nothing.
    response = browser.post(f"/sessions/{session.pk}/edit/", {"subjective": "Changed"})
    assert response.status_code == 302 and response.url == f"/sessions/{session.pk}/amend/"
    session.refresh_from_db()
    assert session.note.subjective == "Original words"


@pytest.mark.django_db
def test_only_the_sessions_practitioner_signs(login, owner, session) -> None:
    login(owner).post(f"/sessions/{session.pk}/sign/")
    session.refresh_from_db()
    assert not session.is_signed


@pytest.mark.django_db
def test_an_amendment_keeps_the_signed_original(login, practitioner, session) -> None:
    browser = login(practitioner)
    browser.post(f"/sessions/{session.pk}/sign/")
    assert (
        browser.post(
            f"/sessions/{session.pk}/amend/", {"reason": "", "subjective": "x"}
        ).status_code
        == 400
    )
    data = {
        "reason": "Typo in the plan",
        "subjective": "Original words",
        "objective": "",
        "assessment": "",
        "plan": "Fortnightly",
    }
    assert browser.post(f"/sessions/{session.pk}/amend/", data).status_code == 302
    session.refresh_from_db()
    assert session.note.plan == "Weekly"
    amendment = NoteAmendment.objects.get()
    assert amendment.plan == "Fortnightly" and amendment.author == practitioner
    page = browser.get(f"/sessions/{session.pk}/").content.decode()
    assert "Fortnightly" in page and "Weekly" in page and "Typo in the plan" in page


@pytest.mark.django_db
def test_amend_sends_a_draft_back_to_edit(login, practitioner, session) -> None:
    response = login(practitioner).get(f"/sessions/{session.pk}/amend/")
    assert response.status_code == 302 and response.url == f"/sessions/{session.pk}/edit/"


@pytest.mark.django_db
def test_it_validates_ownership(login, outsider, colleague, assistant, session) -> None:
    for user in (outsider, colleague, assistant):
        browser = login(user)
        for path in ("", "edit/", "amend/", "sign/"):
            for method in (browser.get, browser.post):
                response = method(f"/sessions/{session.pk}/{path}")
                assert response.status_code in (403, 404, 405)
                assert b"Original words" not in response.content
    session.refresh_from_db()
    assert not session.is_signed and not NoteAmendment.objects.exists()
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_the_note_comes_first_and_the_upload_form_waits_closed(
    login, practitioner, session
) -> None:
    page = login(practitioner).get(f"/sessions/{session.pk}/").content.decode()
    assert page.index('id="note-heading"') < page.index('id="ratings-heading"')
    assert page.index('id="note-heading"') < page.index('id="physio-heading"')
    assert '<details class="mt">' in page and '<details class="mt" open' not in page


@pytest.mark.django_db
def test_signing_asks_for_confirmation_first(login, practitioner, session) -> None:
    browser = login(practitioner)
    page = browser.get(f"/sessions/{session.pk}/").content.decode()
    assert f'href="/sessions/{session.pk}/sign/"' in page  # a link to the confirmation
    confirm = browser.get(f"/sessions/{session.pk}/sign/")
    assert confirm.status_code == 200
    assert "Sign and lock this note?" in confirm.content.decode()
    assert "Original words" in confirm.content.decode()  # the note to read once more
    session.refresh_from_db()
    assert not session.is_signed  # looking is not signing
    assert browser.post(f"/sessions/{session.pk}/sign/").status_code == 302
    session.refresh_from_db()
    assert session.is_signed


@pytest.mark.django_db
def test_the_confirmation_is_only_for_the_sessions_own_practitioner(login, owner, session) -> None:
    response = login(owner).get(f"/sessions/{session.pk}/sign/")
    assert response.status_code == 302 and response.url == f"/sessions/{session.pk}/"


# --- Removing a session that was opened and never used ---------------------------------------


@pytest.fixture
def unused(client_record):
    return make_session(client_record, days_ago=0)


@pytest.mark.django_db
def test_an_unused_session_offers_its_removal_after_a_confirmation(
    login, practitioner, client_record, unused
) -> None:
    browser = login(practitioner)
    page = browser.get(f"/sessions/{unused.pk}/").content.decode()
    assert f'href="/sessions/{unused.pk}/remove/"' in page
    assert "Remove this unused session" in page
    confirm = browser.get(f"/sessions/{unused.pk}/remove/")
    assert confirm.status_code == 200 and "Remove this unused session?" in confirm.content.decode()
    assert Session.objects.filter(pk=unused.pk).exists()  # looking is not removing
    response = browser.post(f"/sessions/{unused.pk}/remove/", follow=True)
    assert response.redirect_chain[-1][0] == f"/clients/{client_record.pk}/"
    assert "was removed" in response.content.decode()
    assert not Session.objects.filter(pk=unused.pk).exists()
    assert AuditEvent.objects.filter(
        action="delete", object_type="therapy.session", object_id=unused.pk, actor=practitioner
    ).exists()


@pytest.mark.django_db
def test_a_used_session_offers_no_removal_and_says_what_holds_it(
    login, practitioner, session
) -> None:
    browser = login(practitioner)
    assert (
        "Remove this unused session" not in browser.get(f"/sessions/{session.pk}/").content.decode()
    )
    page = browser.get(f"/sessions/{session.pk}/remove/").content.decode()
    assert "This session cannot be removed" in page
    assert "Details were recorded in it." in page and "Its note has text." in page
    response = browser.post(f"/sessions/{session.pk}/remove/")
    assert response.status_code == 409
    assert "details were recorded in it; its note has text" in response.content.decode()
    assert Session.objects.filter(pk=session.pk).exists()


@pytest.mark.django_db
def test_only_its_practitioner_or_an_owner_may_remove_it(
    login, owner, outsider, colleague, assistant, practice, client_record, unused
) -> None:
    from somatrace.testing import make_member

    granted = make_member(practice, name="Grace Granted", sees_all_clients=True)
    for user in (outsider, colleague, assistant, granted):
        browser = login(user)
        assert "Remove this unused" not in browser.get(f"/sessions/{unused.pk}/").content.decode()
        for method in (browser.get, browser.post):
            response = method(f"/sessions/{unused.pk}/remove/")
            assert response.status_code in (403, 404), user
            assert client_record.name.encode() not in response.content
    assert Session.objects.filter(pk=unused.pk).exists()
    browser = login(owner)
    assert "Remove this unused session" in browser.get(f"/sessions/{unused.pk}/").content.decode()
    assert browser.post(f"/sessions/{unused.pk}/remove/").status_code == 302
    assert not Session.objects.filter(pk=unused.pk).exists()
