"""The demo practice, seeded once for this whole module (and, through the xdist group, once
per test run): realistic, consistent across apps, deterministic, and password-safe.

The seed runs inside a transaction that is rolled back when the module ends, so no other
test ever sees the demo practice; each test here runs in a savepoint of its own.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date

import pytest
from django.db import transaction
from django.db.models import Count, Q, Value
from django.db.models.functions import Concat
from django.test import Client as DjangoClient
from django.utils.html import escape
from fhir.resources.R4B.bundle import Bundle

from somatrace.accounts.models import Membership, Practice, User
from somatrace.alerts.models import Alert
from somatrace.bodymaps.demo import RELEASE_CUES
from somatrace.bodymaps.models import RegionFinding
from somatrace.clients.models import Client, Intake
from somatrace.clients.services import consent_status
from somatrace.demo.seed import DEMO_PASSWORD, seed_demo
from somatrace.exports import fhir
from somatrace.exports import services as exports
from somatrace.homework.testing import make_home_practice
from somatrace.journal.models import JournalEntry
from somatrace.journal.testing import make_entry
from somatrace.measures import summary
from somatrace.measures.models import AccessLink, Administration, Status
from somatrace.scheduling.models import Appointment
from somatrace.testing import make_member, make_practice, staff_actor
from somatrace.therapy import guard
from somatrace.therapy.models import (
    AftercareTemplate,
    RegionWork,
    Session,
    TimelineEvent,
    TouchOverride,
)

TODAY = date(2026, 11, 25)

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[Practice]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        practice = seed_demo(today=TODAY, log=lambda _: None)
        assert practice is not None
        yield practice
        transaction.set_rollback(True)


def snapshot(practice: Practice) -> list[tuple[object, ...]]:
    return list(
        Session.objects.filter(practice=practice)
        .order_by("starts_at", "client__name")
        .values_list("client__name", "starts_at", "pre_suds", "post_suds")
    ) + list(
        Appointment.objects.filter(practice=practice)
        .order_by("starts_at", "client__name")
        .values_list("client__name", "starts_at", "status", "series__count")
    )


# --- The practice and its people ----------------------------------------------------------


def test_seeding_twice_adds_nothing(demo: Practice) -> None:
    assert demo.is_demo
    assert seed_demo(today=TODAY, log=lambda _: None) is None
    assert Practice.objects.filter(is_demo=True).count() == 1


def test_the_practice_is_realistic(demo: Practice) -> None:
    assert Client.objects.filter(practice=demo).count() == 60
    assert 1300 <= Session.objects.filter(practice=demo).count() <= 1800
    roles = sorted(Membership.objects.filter(practice=demo).values_list("role", flat=True))
    assert roles == ["assistant", "owner", "practitioner", "practitioner", "practitioner"]
    assert Client.objects.filter(practice=demo, hold_since__isnull=False).count() == 1
    # One open intake safety alert, one open PHQ-9 item-9 alert and one lower-priority
    # reliable deterioration left to review.
    open_alerts = demo.alerts.filter(acknowledged_at__isnull=True)
    assert sorted(kind.split(".")[0] for kind in open_alerts.values_list("kind", flat=True)) == [
        "intake",
        "measures",
        "phq9",
    ]
    assert User.objects.get(email="practitioner@demo.test").check_password(DEMO_PASSWORD)


def test_demo_passwords_exist_only_in_the_demo_practice(demo: Practice) -> None:
    elsewhere = make_practice("Real practice")
    make_member(elsewhere)
    outside = User.objects.exclude(membership__practice__is_demo=True).exclude(
        client_account__practice__is_demo=True
    )
    assert outside.exists()
    assert not any(user.check_password(DEMO_PASSWORD) for user in outside)


def test_the_seed_is_deterministic(demo: Practice) -> None:
    """The one second seed of the run: the same date gives the same practice."""
    first = snapshot(demo)
    # Make room for a second demo practice; the savepoint undoes this after the test.
    Practice.objects.filter(pk=demo.pk).update(is_demo=False)
    User.objects.filter(Q(membership__practice=demo) | Q(client_account__practice=demo)).update(
        email=Concat(Value("old-"), "email")
    )
    AccessLink.objects.filter(administration__client__practice=demo).delete()  # same tokens
    again = seed_demo(today=TODAY, log=lambda _: None)
    assert again is not None and again.pk != demo.pk
    assert len(first) > 1000 and snapshot(again) == first


def test_the_demo_client_has_a_portal_account_ready_to_try(demo: Practice) -> None:
    user = User.objects.get(email="client@demo.test")
    assert user.check_password(DEMO_PASSWORD)
    assert not Membership.objects.filter(user=user).exists()
    client = user.client_account.client
    assert client.practice_id == demo.pk and not client.on_hold
    assert consent_status(client).is_current
    assert Intake.objects.filter(client=client).exists()
    assert Administration.objects.filter(client=client, status=Status.PENDING).exists()


# --- Sessions and their timelines ---------------------------------------------------------


def test_the_demo_sessions_have_timelines_prompts_and_drafted_notes(demo: Practice) -> None:
    # Each client's latest six sessions before today; the two held this morning come on top.
    with_timeline = Session.objects.filter(
        practice=demo, started_at__isnull=False, starts_at__date__lt=TODAY
    )
    per_client = with_timeline.values("client").annotate(n=Count("id"))
    assert per_client and max(row["n"] for row in per_client) == 6
    events = TimelineEvent.objects.filter(session__practice=demo)
    assert events.count() > 20 * with_timeline.count() // 2
    prompts = events.filter(kind="guard")
    codes = {guard.AT_UPPER_LIMIT, guard.FAST_RISE, guard.LOW_WITH_DISSOCIATION, guard.DISSOCIATION}
    assert prompts.exists() and set(prompts.values_list("code", flat=True)) <= codes
    # Every prompt was answered with a grounding step that points back at it.
    assert events.filter(kind="grounding", responds_to__kind="guard").count() == prompts.count()
    # Pre and post check-ins match the session's own ratings.
    session = with_timeline.exclude(pre_suds=None).first()
    assert session is not None
    assert session.events.get(code="pre").suds == session.pre_suds
    assert session.events.get(code="post").suds == session.post_suds
    assert "SUDS check-in" in session.note.objective and session.aftercare
    assert not with_timeline.filter(starts_at__date=TODAY).exists()
    assert AftercareTemplate.objects.filter(practice=demo).count() == 3


def test_every_session_has_its_note(demo: Practice) -> None:
    assert not Session.objects.filter(practice=demo, note__isnull=True).exists()


# --- Questionnaires -------------------------------------------------------------------------


def test_demo_has_every_outcome_one_deterioration_and_an_item9_alert(demo: Practice) -> None:
    per_client: dict[tuple[int, str], list[summary.Point]] = defaultdict(list)
    completed = Administration.objects.filter(client__practice=demo, status=Status.COMPLETED)
    for a in completed.order_by("completed_at"):
        assert a.completed_at is not None
        per_client[(a.client_id, a.instrument)].append(
            summary.Point(a.completed_at.date(), a.total)
        )
    phq = Counter(
        summary.series("PHQ9", points).status
        for (_, code), points in per_client.items()
        if code == "PHQ9"
    )
    assert phq["recovered"] > 0 and phq["improved"] > 0 and phq["unchanged"] > 0
    assert 1 <= phq["deteriorated"] <= 2
    assert {code for _, code in per_client} >= {"PHQ9", "GAD7", "PSS10", "MAIA2"}
    open_alerts = Alert.objects.filter(practice=demo, acknowledged_at__isnull=True)
    assert open_alerts.filter(kind="phq9.item9").count() == 1
    assert open_alerts.filter(kind__startswith="measures.deterioration").count() == 1
    assert open_alerts.count() == 3
    assert AccessLink.objects.filter(administration__client__practice=demo).count() >= 2
    assert Administration.objects.filter(client__practice=demo, status=Status.PENDING).exists()


# --- Body charts ----------------------------------------------------------------------------


def test_demo_charts_follow_the_timeline_and_the_touch_consent_maps(demo: Practice) -> None:
    linked = RegionFinding.objects.filter(client__practice=demo, event__isnull=False)
    assert linked.exists()
    for finding in linked.select_related("event"):
        assert finding.finding == "release_observed"
        assert finding.event is not None
        assert finding.event.session_id == finding.session_id
        assert finding.event.code in RELEASE_CUES
    # Every technique logged on a region is work there, tied to its event; where touch was
    # not welcome, only with an override that carries a reason.
    techniques = TimelineEvent.objects.filter(session__practice=demo, kind="technique").exclude(
        region=""
    )
    work = RegionWork.objects.filter(client__practice=demo)
    assert work.count() == techniques.count() > 0
    assert work.filter(event__isnull=False).count() == work.count()
    assert not work.filter(touch_status="not_welcome", override__isnull=True).exists()
    overrides = TouchOverride.objects.filter(client__practice=demo)
    assert overrides.exists() and all(o.reason for o in overrides)


# --- Exports ------------------------------------------------------------------------------


def test_every_demo_clients_fhir_bundle_validates_with_its_answers(demo: Practice) -> None:
    """The check the issue names: a demo client's bundle validates with an independent
    library, carries the LOINC codes, and its answers are the stored ones item by item."""
    owner = Membership.objects.get(practice=demo, role="owner").user
    actor = staff_actor(owner)
    loinc: set[str] = set()
    compared = 0
    for client in Client.objects.filter(practice=demo).order_by("pk"):
        bundle = exports.fhir_bundle(actor, client.pk)
        Bundle.model_validate(bundle)
        entries = [e["resource"] for e in bundle["entry"]]
        for resource in entries:
            if resource["resourceType"] == "Questionnaire":
                loinc |= {c["code"] for c in resource["code"] if c["system"] == "http://loinc.org"}
        responses = {
            r["identifier"]["value"]: r
            for r in entries
            if r["resourceType"] == "QuestionnaireResponse"
        }
        stored = Administration.objects.filter(client=client, status=Status.COMPLETED)
        for administration in stored:
            response = responses[str(administration.pk)]
            assert response["questionnaire"] == fhir.questionnaire_url(administration.instrument)
            exported = [
                int(item["answer"][0]["valueCoding"]["code"]) if item.get("answer") else None
                for item in response["item"]
            ]
            assert exported == list(administration.answers), administration.pk
            compared += 1
    assert {"44249-1", "69737-5"} <= loinc
    assert compared > 100


# --- The demo client's portal -----------------------------------------------------------------


def _portal_pages(browser: DjangoClient) -> dict[str, str]:
    """Every page reachable by following the portal's links from its home, by address."""
    pages: dict[str, str] = {}
    queue = ["/portal/"]
    while queue:
        url = queue.pop()
        if url in pages:
            continue
        response = browser.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode() if "html" in response["Content-Type"] else ""
        for href in re.findall(r'href="(/portal/[^"#?]*)', pages[url]):
            if href not in pages and not href.endswith(("/logout/", "/download/", ".png")):
                queue.append(href)
    return pages


def test_the_demo_clients_portal_shows_their_data_and_nobody_elses(
    demo: Practice, client: DjangoClient
) -> None:
    user = User.objects.get(email="client@demo.test")
    me = user.client_account.client
    client.force_login(user)

    pages = _portal_pages(client)

    assert len(pages) >= 8  # home, journal, home practice, aftercare, progress, my data, ...
    others = Client.objects.filter(practice=demo).exclude(pk=me.pk)
    names = list(others.values_list("name", flat=True))
    assert f"Hello, {me.preferred_name}" in pages["/portal/"]  # names are on these pages
    for url, page in pages.items():
        assert not [name for name in names if name in page], url
    # Staff pages are closed to a client.
    other = others.first()
    assert other is not None
    for url in ("/", "/clients/", f"/clients/{other.pk}/", "/research/", "/mail/", "/practice/"):
        response = client.get(url)
        assert response.status_code in (403, 404) or (
            response.status_code == 302 and response["Location"].startswith("/portal/")
        ), url
    # Another client's portal addresses answer 404.
    theirs_due = Administration.objects.filter(client__in=others, status=Status.PENDING).first()
    assert theirs_due is not None
    theirs_entry = make_entry(other, shared=True)
    theirs_practice = make_home_practice(other)
    for url in (
        f"/portal/questionnaires/{theirs_due.pk}/",
        f"/portal/journal/{theirs_entry.pk}/map.png",
        f"/portal/home-practice/{theirs_practice.pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_practitioner_never_sees_the_demo_clients_private_entries(
    demo: Practice, client: DjangoClient
) -> None:
    me = User.objects.get(email="client@demo.test").client_account.client
    entries = JournalEntry.objects.filter(client=me)
    shared, private = entries.filter(shared=True), entries.filter(shared=False)
    assert shared.exists() and private.exists()
    client.force_login(me.assigned_practitioner)

    page = client.get(f"/clients/{me.pk}/").content.decode()

    assert all(escape(entry.words) in page for entry in shared if entry.words)
    assert not [entry for entry in private if entry.words and escape(entry.words) in page]
    for entry in private:
        assert client.get(f"/journal/entries/{entry.pk}/map.png").status_code == 404
