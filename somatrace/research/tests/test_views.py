"""Research pages: results from consenting clients only, honest about their limits, owners
only, with a bounded number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from somatrace.audit.models import AuditEvent
from somatrace.research.limits import LIMITS
from somatrace.research.services import REMOVED
from somatrace.research.testing import add_score, make_research_client
from somatrace.testing import make_client, make_member, make_session
from somatrace.therapy.testing import make_event

pytestmark = pytest.mark.django_db


def test_results_show_hand_worked_numbers_and_no_names(login, owner, project, cohort) -> None:
    response = login(owner).get(
        reverse("research_results", args=[project.pk]) + "?instruments=GAD7"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "-2.00 (-9.13 to 5.13)" in text
    assert "2/5 = 0.40" in text  # reliably improved (A recovered, C improved)
    assert "1/5 = 0.20" in text  # reliably deteriorated (D)
    for client in cohort:
        assert client.name not in text and client.email not in text
    assert "Exploratory" in text


def test_every_result_page_carries_the_limits_and_never_claims_it_works(
    login, owner, project, cohort
) -> None:
    browser = login(owner)
    for name in ("research_results", "research_export", "research_report"):
        text = browser.get(reverse(name, args=[project.pk])).content.decode()
        assert LIMITS in text, name
        assert "ser works" not in text.lower(), name


def test_clients_without_research_consent_never_appear(
    login, owner, practice, practitioner, project, cohort
) -> None:
    other = make_research_client(practice, practitioner, research=False, name="No Research")
    add_score(other, "GAD7", 20, days_ago=50)
    add_score(other, "GAD7", 0, days_ago=4)
    text = login(owner).get(reverse("research_results", args=[project.pk])).content.decode()
    assert "-2.00 (-9.13 to 5.13)" in text  # unchanged by the extra client
    assert "1 without research consent or withdrawn" in text


def test_withdrawing_research_use_removes_the_client_and_the_log_says_so(
    login, owner, project, cohort
) -> None:
    browser = login(owner)
    response = browser.post(reverse("research_consent_withdraw", args=[cohort[0].pk]))
    assert response.status_code == 302
    event = AuditEvent.objects.get(object_type="research.researchwithdrawal")
    assert event.client_id == cohort[0].pk and REMOVED in event.fields
    text = browser.get(reverse("research_results", args=[project.pk])).content.decode()
    assert "Suppressed: fewer than 5 clients." in text
    consents = browser.get(reverse("research_consents")).content.decode()
    assert cohort[0].name not in consents and cohort[1].name in consents


def test_a_small_group_is_suppressed(login, owner, project, cohort) -> None:
    project.minimum = 6
    project.save()
    text = login(owner).get(reverse("research_results", args=[project.pk])).content.decode()
    assert "Suppressed: fewer than 6 clients." in text
    assert "-2.00" not in text


def test_the_number_of_queries_does_not_grow_with_the_cohort(
    login, owner, practice, practitioner, project, cohort, django_assert_max_num_queries
) -> None:
    browser = login(owner)
    url = reverse("research_results", args=[project.pk])
    with django_assert_max_num_queries(25):
        browser.get(url)
    for n in range(20):
        extra = make_research_client(practice, practitioner, name=f"More {n}")
        add_score(extra, "GAD7", 10 + n % 5, days_ago=40)
        add_score(extra, "GAD7", 8, days_ago=3)
    with django_assert_max_num_queries(25):
        assert browser.get(url).status_code == 200


NAMES = [
    ("research_home", False),
    ("research_consents", False),
    ("research_results", True),
    ("research_plan", True),
    ("research_export", True),
    ("research_export_csv", True),
    ("research_export_parquet", True),
    ("research_report", True),
    ("research_report_pdf", True),
]


@pytest.mark.parametrize("who", ["practitioner", "assistant", "outsider"])
def test_only_the_practice_owner_opens_research(request, login, who, project, cohort) -> None:
    browser = login(request.getfixturevalue(who))
    for name, with_project in NAMES:
        url = reverse(name, args=[project.pk] if with_project else [])
        response = browser.get(url)
        if who == "outsider" and not with_project:  # their own practice's pages
            assert response.status_code == 200
        else:
            assert response.status_code in (403, 404), (who, name, response.status_code)
        assert cohort[0].name.encode() not in response.content
    withdraw = browser.post(reverse("research_consent_withdraw", args=[cohort[0].pk]))
    assert withdraw.status_code in (403, 404)
    assert not AuditEvent.objects.filter(object_type="research.researchwithdrawal").exists()


def test_another_practices_owner_gets_404_for_a_project(login, outsider, project) -> None:
    response = login(outsider).get(reverse("research_results", args=[project.pk]))
    assert response.status_code in (403, 404)


def test_a_client_of_another_practice_cannot_be_withdrawn(
    login, owner, other_practice, project
) -> None:
    stranger = make_client(
        other_practice, make_member(other_practice), consented=True, name="Far Away"
    )
    response = login(owner).post(reverse("research_consent_withdraw", args=[stranger.pk]))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, project) -> None:
    response = client.get(reverse("research_results", args=[project.pk]))
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_the_report_is_a_pdf_and_audited_as_an_export(login, owner, project, cohort) -> None:
    response = login(owner).get(reverse("research_report_pdf", args=[project.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.filter(object_type="research.report").get()
    assert event.action == "export" and sorted(event.object_ids) == sorted(c.pk for c in cohort)


def test_a_practice_with_nobody_shows_empty_results(login, owner, project) -> None:
    response = login(owner).get(reverse("research_results", args=[project.pk]))
    assert response.status_code == 200
    assert "No client with a baseline and a later score." in response.content.decode()


def test_a_bad_filter_is_a_message_not_an_error(login, owner, project) -> None:
    response = login(owner).get(
        reverse("research_results", args=[project.pk]) + "?start=yesterday&min_sessions=-3"
    )
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_practitioners_see_results_of_their_own_clients_only_when_the_owner_allows(
    login, owner, practice, practitioner, colleague, project, cohort
) -> None:
    url = reverse("research_results", args=[project.pk]) + "?instruments=GAD7"
    assert login(practitioner).get(url).status_code == 403
    project.practitioners_may_view = True
    project.save()
    text = login(practitioner).get(url).content.decode()
    assert "-2.00 (-9.13 to 5.13)" in text  # the cohort is all assigned to `practitioner`
    # A colleague holds none of these clients: nobody in their cohort.
    other = login(colleague).get(url).content.decode()
    assert "No client with a baseline and a later score." in other
    # Plan, export and consent pages stay the owner's.
    browser = login(practitioner)
    for name in ("research_plan", "research_export", "research_export_csv"):
        assert browser.get(reverse(name, args=[project.pk])).status_code == 403


def test_assistants_never_see_results_even_when_practitioners_may(
    login, assistant, project, cohort
) -> None:
    project.practitioners_may_view = True
    project.save()
    response = login(assistant).get(reverse("research_results", args=[project.pk]))
    assert response.status_code == 403


def test_the_owner_creates_a_project(login, owner) -> None:
    response = login(owner).post(
        reverse("research_home"),
        {"title": "Does pacing help", "minimum": "7", "practitioners_may_view": "on"},
    )
    assert response.status_code == 302
    from somatrace.research.models import ResearchProject

    made = ResearchProject.objects.get()
    assert made.minimum == 7 and made.practitioners_may_view and len(made.secret) == 64
    assert AuditEvent.objects.filter(object_type="research.researchproject").exists()


def test_export_and_report_pages_read_a_bounded_number_of_queries(
    login, owner, practice, practitioner, project, cohort, django_assert_max_num_queries
) -> None:
    browser = login(owner)
    for n in range(15):
        extra = make_research_client(practice, practitioner, name=f"Extra {n}")
        add_score(extra, "GAD7", 12, days_ago=30)
        add_score(extra, "GAD7", 9, days_ago=2)
    for name in ("research_export", "research_report", "research_export_csv"):
        with django_assert_max_num_queries(25):
            response = browser.get(reverse(name, args=[project.pk]))
        assert response.status_code == 200, name


def test_the_suds_shift_across_sessions_is_estimated_by_the_mixed_model(
    login, owner, project, cohort
) -> None:
    # Per client three sessions; SUDS falls within each by 3, 2 and 1 points (plus a client
    # offset of 0 or 1): the mean shift at a first session is about -3, +1 per session.
    for i, client in enumerate(cohort):
        for number, fall in enumerate((3, 2, 1), start=1):
            session = make_session(client, days_ago=40 - 10 * number)
            start = 7
            make_event(session, "suds", seconds=60, suds=start)
            make_event(session, "suds", seconds=1800, suds=start - fall - (i % 2))
    text = login(owner).get(reverse("research_results", args=[project.pk])).content.decode()
    row = text.split("SUDS, last − first check-in")[1].split("</tr>")[0]
    assert "5 / 15" in row
    assert "Not estimable" not in row
    assert "-3.40" in row  # intercept: mean of -3 and -4 weighted 3:2 → -3.4; slope +1.000
    assert "1.000" in row
