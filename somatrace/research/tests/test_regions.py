"""Body maps across the cohort: per-region paired tests with Benjamini-Hochberg."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from scipy import stats as sps

from somatrace.bodymaps.testing import make_painting
from somatrace.research import regions
from somatrace.testing import make_session

HEAD = [0.4, 0.5, 0.6, 0.3, 0.5, 0.4]
FACE = [0.1, -0.1, 0.05, -0.05, 0.0, 0.02]


def person(head: float, face: float) -> tuple[dict[str, Any], dict[str, Any]]:
    before = {"regions": {}}
    after = {
        "regions": {
            "f_head_r": {"stronger": head, "weaker": 0.0},
            "f_face_r": {"stronger": max(face, 0), "weaker": max(-face, 0)},
        }
    }
    return before, after


def test_each_region_is_tested_and_corrected_for_the_regions_tested() -> None:
    pairs = [person(h, f) for h, f in zip(HEAD, FACE, strict=True)]
    tests = {t.code: t for t in regions.region_tests(pairs)}
    p_head = sps.ttest_1samp(HEAD, 0).pvalue
    p_face = sps.ttest_1samp(FACE, 0).pvalue
    assert tests["f_head_r"].p == pytest.approx(p_head)
    assert tests["f_face_r"].p == pytest.approx(p_face)
    # BH with m = 2 tested regions: the larger p stays, the smaller is min(2p, larger).
    assert tests["f_face_r"].p_adjusted == pytest.approx(p_face)
    assert tests["f_head_r"].p_adjusted == pytest.approx(min(2 * p_head, p_face))
    assert tests["f_head_r"].significant and not tests["f_face_r"].significant
    assert tests["f_head_r"].mean_change == pytest.approx(sum(HEAD) / 6)
    low, high = sps.t.interval(0.95, 5, loc=sum(HEAD) / 6, scale=sps.sem(HEAD))
    assert tests["f_head_r"].ci95 == pytest.approx((low, high))
    # Regions nobody changed are not tested.
    assert tests["f_neck_r"].p is None and not tests["f_neck_r"].significant


def test_regions_that_change_together_are_correlated_changes() -> None:
    pairs = [person(h, f) for h, f in zip(HEAD, FACE, strict=True)]
    found = regions.together(pairs, regions.region_tests(pairs))
    assert len(found) == 1
    a, b, r = found[0]
    assert {a.split(" (")[0], b.split(" (")[0]} == {
        ["Right side of the head", "front)"][0],
        "Right side of the face",
    }
    assert r == pytest.approx(sps.pearsonr(HEAD, FACE).statistic)


@pytest.mark.django_db
def test_the_results_page_shows_the_region_table_for_a_large_enough_group(
    login, owner, project, cohort
) -> None:
    browser = login(owner)
    url = reverse("research_results", args=[project.pk])
    assert "fewer than 5, not shown" in browser.get(url).content.decode()
    for client in cohort:
        session = make_session(client, days_ago=10)
        make_painting(client, session=session, moment="pre")
        make_painting(client, session=session, moment="post", nothing_felt=True, strokes=[])
    text = browser.get(url).content.decode()
    assert 'id="research-regions"' in text
    assert ">yes<" in text  # every person's chest region fell to nothing: significant


@pytest.mark.django_db
def test_a_client_who_withdrew_research_use_leaves_the_group_body_map(login, owner, cohort) -> None:
    for client in cohort:
        make_painting(client)
    browser = login(owner)
    assert "bm-too-few" not in browser.get(reverse("bodymaps_research")).content.decode()
    browser.post(reverse("research_consent_withdraw", args=[cohort[0].pk]))
    text = browser.get(reverse("bodymaps_research")).content.decode()
    assert "Only 4 consenting people" in text
