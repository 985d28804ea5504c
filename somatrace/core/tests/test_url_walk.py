"""Walk every URL pattern as people who must not see a client, and check they get nothing.

A new view with a URL parameter this test does not know fails here until someone decides
which record it points at: that is the point.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from somatrace.accounts.middleware import CLIENT_MAY_OPEN
from somatrace.api import testing as api_testing
from somatrace.audit.models import AuditEvent
from somatrace.billing import testing as billing_testing
from somatrace.bodymaps import testing as bodymaps_testing
from somatrace.bodymaps.testing import make_painting
from somatrace.clients import testing as clients_testing
from somatrace.homework import testing as homework_testing
from somatrace.journal import testing as journal_testing
from somatrace.mail import testing as mail_testing
from somatrace.measures import testing as measures_testing
from somatrace.physio import testing as physio_testing
from somatrace.portal import testing as portal_testing
from somatrace.reports import testing as reports_testing
from somatrace.research import testing as research_testing
from somatrace.scheduling import testing as scheduling_testing
from somatrace.testing import make_alert, make_client, make_client_account, make_session
from somatrace.therapy import testing as therapy_testing
from somatrace.therapy.models import Session

APP_TESTING = [
    journal_testing,
    clients_testing,
    therapy_testing,
    measures_testing,
    bodymaps_testing,
    physio_testing,
    api_testing,
    reports_testing,
    mail_testing,
    homework_testing,
    portal_testing,
    research_testing,
    billing_testing,
    scheduling_testing,
]

# Reachable without logging in, on purpose.
PUBLIC = {
    "healthz",
    "readyz",  # for load balancers: 503 naming a failed check, never any practice's data
    "metrics",  # a bearer token of its own (SOMATRACE_METRICS_TOKEN), 404 when unset
    "idle_status",  # says only whether this browser is signed in and for how long
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}.union(*(app.PUBLIC_URL_NAMES for app in APP_TESTING))
DENIED = {403, 404, 405}
# Not a client's record but the practice's: any practitioner may answer a request from the
# public booking page (scheduling/tests/test_booking_views.py covers who may not).
COLLEAGUES_MAY_ANSWER = {"member_edit", "booking_request_decline", "booking_request_invite"}
SECRET_NOTE = "Secret-note-7f3a"


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def all_patterns() -> list[tuple[str, URLPattern]]:
    return [(route, p) for route, p in walk(get_resolver().url_patterns) if p.name]


@pytest.fixture
def victim(client_record: Any, practitioner: Any) -> dict[str, int]:
    """Ids of one of everything that belongs to `client_record`."""
    session = make_session(client_record, subjective=SECRET_NOTE)
    alert = make_alert(client_record, "test.alert", "Test alert")
    ids = {
        "client_id": client_record.pk,
        "session_id": session.pk,
        "alert_id": alert.pk,
        "record_id": client_record.consents.get().pk,
        "membership_id": practitioner.membership.pk,
    }
    for app in APP_TESTING:
        ids.update(app.victim_ids(client_record, session))
    return ids


def url_for(route: str, ids: dict[str, int]) -> str:
    from django.urls.resolvers import RoutePattern

    url = "/" + route
    for name in RoutePattern(route).converters:
        assert name in ids, f"URL {route!r} has a parameter {name!r} this test does not know"
        url = url.replace(f"<int:{name}>", str(ids[name]))
    return url


def parametrised() -> list[tuple[str, URLPattern]]:
    from django.urls.resolvers import RoutePattern

    return [
        (route, p)
        for route, p in all_patterns()
        if RoutePattern(route).converters and p.name not in PUBLIC
    ]


@pytest.mark.django_db
def test_every_private_url_sends_strangers_to_the_login_page(client, victim) -> None:
    for route, pattern in all_patterns():
        if pattern.name in PUBLIC:
            continue
        url = url_for(route, victim)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (url, method.__name__, response.status_code)
            # The portal's pages send to the portal's own sign-in page.
            login = "/portal/login/" if pattern.name.startswith("portal_") else "/login/"
            assert response.url.startswith(login), url


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "colleague"])
def test_no_record_url_shows_anything_to_the_wrong_user(
    request, login, victim, client_record, who
) -> None:
    user = request.getfixturevalue(who)
    browser = login(user)
    checked = 0
    for route, pattern in parametrised():
        if who == "colleague" and pattern.name in COLLEAGUES_MAY_ANSWER:
            continue  # about people, not clients: covered by their own tests
        url = url_for(route, victim)
        for method in (browser.get, browser.post):
            response = method(url)
            assert response.status_code in DENIED, (who, url, method.__name__, response.status_code)
            assert client_record.name.encode() not in response.content
            assert SECRET_NOTE.encode() not in response.content
            checked += 1
    assert checked >= 20
    assert not AuditEvent.objects.filter(actor=user, client_id=client_record.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "colleague", "assistant"])
def test_list_pages_never_mention_a_client_the_user_may_not_see(
    request, login, victim, client_record, who
) -> None:
    user = request.getfixturevalue(who)
    browser = login(user)
    for route, pattern in all_patterns():
        if pattern.name in PUBLIC or "<" in route:
            continue
        for method in (browser.get, browser.post):
            response = method("/" + route)
            assert response.status_code < 500, (who, route)
            assert SECRET_NOTE.encode() not in response.content, (who, route)
            if who != "assistant":  # assistants see names for scheduling, never notes
                assert client_record.name.encode() not in response.content, (who, route)


@pytest.mark.django_db
def test_assistants_are_refused_every_clinical_record(login, assistant, victim) -> None:
    browser = login(assistant)
    clinical = {
        "session_detail",
        "session_edit",
        "session_sign",
        "session_amend",
        "intake_edit",
        "clearance_create",
        "consent_sign",
        "consent_withdraw",
        "alert_detail",
        "session_create",
        "session_start",
        "session_remove",
        "attachment_upload",
        "attachment_view",
        "attachment_delete",
    }
    seen = set()
    for route, pattern in parametrised():
        if pattern.name in clinical:
            seen.add(pattern.name)
            for method in (browser.get, browser.post):
                response = method(url_for(route, victim))
                assert response.status_code in DENIED, (route, method.__name__)
                assert SECRET_NOTE.encode() not in response.content
    assert seen == clinical


@pytest.mark.django_db
def test_practice_pages_are_for_owners_only(login, practitioner, assistant, victim) -> None:
    owner_pages = [p for p in all_patterns() if p[0].startswith("practice/")]
    assert len(owner_pages) >= 5
    for user in (practitioner, assistant):
        browser = login(user)
        for route, _ in owner_pages:
            for method in (browser.get, browser.post):
                assert method(url_for(route, victim)).status_code == 403, (route, user)


# Pages about people and settings, not a client's record (their own tests cover their audit).
NOT_CLIENT_DATA = {
    "member_edit",
    "member_deactivate",
    "member_reactivate",
    "member_reset_two_factor",
    "member_lift_lockout",
    "token_revoke",
    # Research pages are owners' and de-identified: counts and research ids, no one client.
    "research_consent_withdraw",
    "research_results",
    "research_plan",
    "research_plan_lock",
    "research_export",
    "research_export_csv",
    "research_export_parquet",
    "research_report",
    "research_report_pdf",
    # The calendar's setup: a practitioner's hours and time off, the practice's types and rooms.
    "working_hours_remove",
    "time_off_remove",
    "appointment_type_edit",
    "room_edit",
}


# Downloads and files that take a client's record out of Somatrace: their one row is an
# export, not a read.
EXPORTS = {
    "export_fhir",
    "export_outcomes",
    "reports_note_pdf",
    "reports_aftercare_pdf",
    "reports_job_pdf",
    "invoice_pdf",
    "invoice_superbill",
    "receipt_pdf",
}


@pytest.mark.django_db
def test_every_client_page_leaves_one_audit_row_naming_the_actor_and_practice(
    login, practitioner, practice, victim, client_record
) -> None:
    """Opening any page of a client's record, as the practitioner who holds the client,
    writes exactly one audit row: that practitioner, the practice, the web, this client."""
    session = Session.objects.get(pk=victim["session_id"])
    make_painting(client_record, session=session, moment="post")  # for the difference map
    browser = login(practitioner)
    opened, problems = [], []
    for route, pattern in parametrised():
        if pattern.name in NOT_CLIENT_DATA or is_portal(pattern):
            continue  # the portal's pages are the client's: their tests cover their audit
        url = url_for(route, victim)
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = browser.get(url)
        if response.status_code != 200:  # POST-only actions (405) and redirects
            assert response.status_code in (302, 405), (url, response.status_code)
            continue
        rows = list(AuditEvent.objects.filter(id__gt=last))
        described = [
            (r.action, r.object_type, r.actor_id, r.practice_id, r.client_id, r.channel, r.path)
            for r in rows
        ]
        action = "export" if pattern.name in EXPORTS else "read"
        expected = (action, practitioner.pk, practice.pk, client_record.pk, "web", url)
        if len(rows) != 1 or (described[0][:1] + described[0][2:]) != expected:
            problems.append((url, described))
        opened.append(pattern.name)
    assert problems == [], "\n".join(map(str, problems))
    # Every page a practitioner opens about one client: keep this list honest as pages come.
    assert len(opened) >= 25, sorted(opened)


def zip_text(body: bytes) -> bytes:
    """Every file in a ZIP download, concatenated (the victim's name must be in none)."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


def is_portal(pattern: URLPattern) -> bool:
    return bool(pattern.name) and pattern.name.startswith("portal_")


@pytest.mark.django_db
def test_a_client_account_reaches_only_its_own_portal(
    client, portal_login, practice, practitioner, victim, client_record
) -> None:
    """Signed in as another client of the same practice: every staff page answers 403 or 404
    (or sends them to their portal), and every portal URL about the victim's records 404."""
    other = make_client(practice, practitioner, name="Robin Other")
    browser = portal_login(client, make_client_account(other))
    checked = 0
    for route, pattern in all_patterns():
        if pattern.name in PUBLIC or pattern.name in CLIENT_MAY_OPEN:
            continue
        url = url_for(route, victim)
        for method in (browser.get, browser.post):
            response = method(url)
            if is_portal(pattern):
                if "<" in route:
                    assert response.status_code in (404, 405), (url, response.status_code)
                else:
                    assert response.status_code < 500, (url, response.status_code)
                if response.streaming:  # their own download: it must not hold the victim
                    body = b"".join(response.streaming_content)
                    assert client_record.name.encode() not in zip_text(body), url
                    checked += 1
                    continue
            elif response.status_code == 302:
                assert response.url == "/portal/", url  # the dashboard: their own portal
            else:
                assert response.status_code in DENIED, (url, method.__name__, response.status_code)
            assert client_record.name.encode() not in response.content, url
            assert SECRET_NOTE.encode() not in response.content, url
            checked += 1
    assert checked >= 100
    assert not AuditEvent.objects.filter(client_id=client_record.pk, actor_kind="client").exists()


@pytest.mark.django_db
def test_a_client_account_reaches_no_staff_page_about_itself(
    client, portal_login, victim, client_record
) -> None:
    browser = portal_login(client, make_client_account(client_record))
    for route, pattern in all_patterns():
        if pattern.name in PUBLIC or pattern.name in CLIENT_MAY_OPEN or is_portal(pattern):
            continue
        url = url_for(route, victim)
        for method in (browser.get, browser.post):
            response = method(url)
            if response.status_code == 302:
                assert response.url == "/portal/", url
            else:
                assert response.status_code in DENIED, (url, method.__name__, response.status_code)
            assert SECRET_NOTE.encode() not in response.content, url


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["practitioner", "owner", "outsider"])
def test_staff_never_open_a_portal_page(request, login, victim, client_record, who) -> None:
    browser = login(request.getfixturevalue(who))
    portal = [(r, p) for r, p in all_patterns() if is_portal(p) and p.name not in PUBLIC]
    assert portal
    for route, _ in portal:
        url = url_for(route, victim)
        for method in (browser.get, browser.post):
            response = method(url)
            assert response.status_code in DENIED, (who, url, response.status_code)
            assert client_record.name.encode() not in response.content
