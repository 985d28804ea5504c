"""Touch consent marks and what they mean for a region (clients/touch.py, no database)."""

from __future__ import annotations

import pytest

from somatrace.clients import touch


def test_groups_carry_only_the_marks_the_client_made() -> None:
    marks = {
        "f_groin_l": "not_welcome",  # pelvis and hips
        "b_upper_back_l": "check_in",  # upper back
        "z_jaw": "welcome",  # face and jaw: welcome is not listed
    }
    assert touch.marked_by_group(marks) == {"pelvis_hips": "not_welcome", "upper_back": "check_in"}
    assert touch.marked_by_group({}) == {}


def test_a_fine_region_has_its_own_mark_or_check_in_first() -> None:
    marks = {"f_groin_l": "not_welcome"}
    assert touch.status_in_marks(marks, "f_groin_l") == "not_welcome"
    assert touch.status_in_marks(marks, "f_groin_r") == "check_in"


def test_a_coarse_group_takes_the_most_restrictive_mark_inside_it() -> None:
    marks = {"f_groin_l": "not_welcome", "f_groin_r": "welcome", "b_upper_back_l": "welcome"}
    assert touch.status_in_marks(marks, "pelvis_hips") == "not_welcome"
    assert touch.status_in_marks(marks, "upper_back") == "welcome"
    assert touch.status_in_marks(marks, "head") == "check_in"  # nothing marked: ask first


def test_an_unknown_region_is_refused() -> None:
    with pytest.raises(ValueError):
        touch.status_in_marks({}, "elsewhere")
    assert not touch.is_region("elsewhere") and touch.is_region("z_jaw")


def test_only_known_regions_and_statuses_are_kept() -> None:
    assert touch.clean_marks({"z_jaw": "welcome", "nowhere": "welcome", "f_foot_l": "maybe"}) == {
        "z_jaw": "welcome"
    }
