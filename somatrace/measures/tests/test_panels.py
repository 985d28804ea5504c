"""The client-page and dashboard panels."""

from __future__ import annotations

import json
import re

import pytest

from somatrace.measures.testing import make_administration, make_assignment, phq9_answers
from somatrace.testing import make_client, staff_actor


def _specs(html: str) -> list[dict]:
    return [
        json.loads(m)
        for m in re.findall(
            r'<script id="chart-spec-\d+" type="application/json">(.*?)</script>', html, re.S
        )
    ]


def test_client_panel_shows_chart_status_and_pending(login, practitioner, client_record) -> None:
    make_administration(client_record, "PHQ9", answers=phq9_answers(16), days_ago=60)
    make_administration(client_record, "PHQ9", answers=phq9_answers(12), days_ago=30)
    make_administration(client_record, "PHQ9", answers=phq9_answers(7), days_ago=2)
    make_administration(client_record, "SUDS", answers=[6], days_ago=3)
    make_administration(client_record, "GAD7")
    response = login(practitioner).get(f"/clients/{client_record.pk}/")
    html = response.content.decode()
    assert 'id="measures-heading"' in html
    # 16 -> 7: -9 >= 6 reliable, 16 >= 10 > 7: recovered
    assert 'data-status="recovered"' in html
    assert 'data-status="trend"' in html  # SUDS
    assert "Waiting for answers" in html and "Start kiosk" in html
    specs = _specs(html)
    phq = next(s for s in specs if s.get("description", "").startswith("PHQ-9"))
    band_layer, _, points_layer = phq["layer"]
    assert points_layer["mark"]["type"] == "point"
    assert band_layer["mark"]["type"] == "rect"
    assert band_layer["data"]["values"][0]["band"] == "Minimal"
    # first square, 12 within error (-4), 7 reliable improvement (-9)
    assert [p["change"] for p in phq["data"]["values"]] == [
        "First score",
        "Within measurement error",
        "Reliable improvement",
    ]


def test_maia2_profile_first_vs_latest(login, practitioner, client_record) -> None:
    make_administration(client_record, "MAIA2", answers=[2] * 37, days_ago=40)
    make_administration(client_record, "MAIA2", answers=[4] * 37, days_ago=1)
    html = login(practitioner).get(f"/clients/{client_record.pk}/").content.decode()
    profile = next(
        s for s in _specs(html) if s.get("description", "").startswith("MAIA-2 subscale")
    )
    rows = profile["data"]["values"]
    assert len(rows) == 16  # 8 subscales x first/latest
    noticing = {r["when"]: r["mean"] for r in rows if r["subscale"] == "Noticing"}
    assert noticing == {"First": 2.0, "Latest": 4.0}
    not_distracting = {r["when"]: r["mean"] for r in rows if r["subscale"] == "Not-Distracting"}
    assert not_distracting == {"First": 3.0, "Latest": 1.0}  # reversed: 5-2, 5-4


def test_deteriorated_status_is_shown(login, practitioner, client_record) -> None:
    make_administration(client_record, "GAD7", answers=[0] * 7, days_ago=30)
    make_administration(client_record, "GAD7", answers=[1] * 7, days_ago=1)  # 0 -> 7: +7
    html = login(practitioner).get(f"/clients/{client_record.pk}/").content.decode()
    assert 'data-status="deteriorated"' in html


def _pcl5(total: int) -> list[int | None]:
    """PCL-5 answers summing to ``total``, 4s first, item 16 (risk) left at 0."""
    answers: list[int | None] = []
    for number in range(1, 21):
        value = 0 if number == 16 else min(4, total)
        answers.append(value)
        total -= value
    return answers


def _change_items(html: str, code: str) -> dict[str, str]:
    block = html.split(f'id="measure-{code}"', 1)[1].split("</article>", 1)[0]
    found = re.findall(r'<li data-change="(\w+)">(.*?)</li>', block, re.S)
    return {kind: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip() for kind, text in found}


def test_pcl5_shows_clinically_meaningful_change_apart_from_reliable_change(
    login, practitioner, client_record
) -> None:
    make_administration(client_record, "PCL5", answers=_pcl5(40), days_ago=60)
    make_administration(client_record, "PCL5", answers=_pcl5(52), days_ago=1)
    html = login(practitioner).get(f"/clients/{client_record.pk}/").content.decode()
    # +12: below the 15-point reliable change (Marx et al. 2022), so "Unchanged", not
    # "Deteriorated" - but at or above the NCPTSD's 10 points of clinically meaningful change.
    assert 'data-status="unchanged"' in html and 'data-status="deteriorated"' not in html
    items = _change_items(html, "PCL5")
    assert items["reliable"].startswith(
        "Reliable change (Jacobson–Truax, larger than measurement error): 15 points or more "
        "— first → latest 12: within measurement error."
    )
    assert "unverified psychometrics" in items["reliable"]
    assert "Marx et al. 2022" in items["reliable"]
    assert items["meaningful"] == (
        "Clinically meaningful change (a separate question from reliable change): 10 points, "
        "National Center for PTSD guidance; 5 points is its minimum response — first → "
        "latest 12: reaches it."
    )


def test_who5_shows_topps_ten_percent_as_clinically_relevant_not_reliable(
    login, owner, practice, client_record
) -> None:
    from somatrace.measures.models import PracticeMeasures

    PracticeMeasures.objects.create(practice=practice, enabled=["WHO5"])
    make_administration(client_record, "WHO5", answers=[2, 2, 2, 2, 2], days_ago=30)  # 10
    make_administration(client_record, "WHO5", answers=[3, 3, 3, 2, 2], days_ago=1)  # 13
    html = login(owner).get(f"/clients/{client_record.pk}/").content.decode()
    items = _change_items(html, "WHO5")
    # +3 raw (12 percentage points) < 5.9 raw (23.60 percentage points, Schougaard 2018)
    assert "5.9 points or more — first → latest 3: within measurement error." in (items["reliable"])
    assert items["meaningful"].startswith(
        "Clinically relevant change (a separate question from reliable change): 10 percentage "
        "points = 2.5 raw points, Topp et al. 2015 — first → latest 3: reaches it."
    )
    assert 'data-status="unchanged"' in html


def test_a_single_score_still_shows_both_thresholds(login, practitioner, client_record) -> None:
    make_administration(client_record, "PCL5", answers=_pcl5(40), days_ago=1)
    items = _change_items(
        login(practitioner).get(f"/clients/{client_record.pk}/").content.decode(), "PCL5"
    )
    assert "15 points or more." in items["reliable"] and "first → latest" not in items["reliable"]
    assert items["meaningful"].startswith("Clinically meaningful change")


def test_assistant_sees_no_measures_panel(login, assistant, client_record) -> None:
    make_administration(client_record, "PHQ9", answers=[1] * 9)
    html = login(assistant).get(f"/clients/{client_record.pk}/").content.decode()
    assert "measures-heading" not in html


@pytest.mark.parametrize("count", [2, 12])
def test_client_panel_bounded_queries(
    login, practitioner, client_record, django_assert_max_num_queries, count
) -> None:
    for n in range(count):
        make_administration(client_record, "PHQ9", answers=phq9_answers(20 - n), days_ago=100 - n)
        make_administration(client_record, "MAIA2", answers=[3] * 37, days_ago=100 - n)
        make_administration(client_record, "GAD7")
    make_assignment(client_record)
    browser = login(practitioner)
    browser.get(f"/clients/{client_record.pk}/")  # warm caches
    with django_assert_max_num_queries(45):
        assert browser.get(f"/clients/{client_record.pk}/").status_code == 200


def test_client_panel_adds_a_fixed_number_of_queries(
    login, practitioner, client_record, django_assert_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = login(practitioner)
    make_administration(client_record, "PSS10")
    with CaptureQueriesContext(connection) as small:
        browser.get(f"/clients/{client_record.pk}/")
    for n in range(15):
        make_administration(client_record, "PHQ9", answers=phq9_answers(n), days_ago=100 - n)
        make_administration(client_record, "PSS10")
    with CaptureQueriesContext(connection) as large:
        browser.get(f"/clients/{client_record.pk}/")
    assert len(large) == len(small)


def test_dashboard_panel_counts_pending_and_links_to_caseload(
    login, practitioner, practice, client_record
) -> None:
    make_administration(client_record, "PHQ9")
    make_administration(client_record, "GAD7")
    make_administration(client_record, "GAD7", answers=[1] * 7)
    other = make_client(practice, practitioner)
    make_administration(other, "PHQ9")
    html = login(practitioner).get("/").content.decode()
    assert "<strong>3</strong> waiting for answers" in html
    assert "<strong>1</strong> completed in the last 7 days" in html
    assert 'href="/measures/caseload/"' in html


def test_dashboard_panel_counts_only_visible_clients(login, colleague, client_record) -> None:
    make_administration(client_record, "PHQ9")
    html = login(colleague).get("/").content.decode()
    assert "<strong>0</strong> waiting for answers" in html


@pytest.mark.parametrize("count", [1, 15])
def test_dashboard_panel_bounded_queries(
    login, practitioner, practice, django_assert_max_num_queries, count
) -> None:
    for _ in range(count):
        client = make_client(practice, practitioner)
        make_administration(client, "PHQ9")
        make_administration(client, "GAD7", answers=[1] * 7)
    browser = login(practitioner)
    browser.get("/")
    with django_assert_max_num_queries(30):
        assert browser.get("/").status_code == 200


def test_pending_shows_the_state_of_its_link(login, practitioner, client_record) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from somatrace.measures.models import AccessLink
    from somatrace.measures.services import create_link

    sent = make_administration(client_record, "PHQ9")
    create_link(staff_actor(practitioner), sent)
    lapsed = make_administration(client_record, "GAD7")
    create_link(staff_actor(practitioner), lapsed)
    AccessLink.objects.filter(administration=lapsed).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    html = login(practitioner).get(f"/clients/{client_record.pk}/").content.decode()
    assert "link sent, expires" in html and "link expired" in html
