"""What the body-map pages draw (figures.py): atlas figures and raster overlays, from plain
data. Expected values are worked out by hand from small synthetic inputs."""

from __future__ import annotations

import numpy as np
import pytest

from somatrace.bodymaps import figures, raster
from somatrace.bodymaps.atlas import REGION_BY_CODE

VERMILLION = (0xD5, 0x5E, 0x00)  # stronger
BLUE = (0x00, 0x72, 0xB2)  # weaker
OPAQUE = 230  # render's opacity for a value of 1


def square(x: float, y: float, side: float = 10) -> str:
    """An SVG points attribute of an axis-aligned square; its vertices average to its centre."""
    return f"{x},{y} {x + side},{y} {x + side},{y + side} {x},{y + side}"


# --- atlas figures --------------------------------------------------------------------------


def test_atlas_views_give_front_then_back_with_regions_then_zones() -> None:
    front, back = figures.atlas_views("female")
    assert (front["view"], front["label"]) == ("front", "Front")
    assert (back["view"], back["label"]) == ("back", "Back")
    front_regions = {r["code"]: r for r in front["regions"]}
    front_zones = {r["code"]: r for r in front["zones"]}
    assert front_regions["f_chest_l"]["name"] == "Left chest"
    assert front_zones["z_jaw"]["name"] == "Jaw"
    assert "z_jaw" not in front_regions  # zones are kept apart from the CHOIR regions
    assert "b_upper_back_l" in {r["code"] for r in back["regions"]}
    # Every outline is an SVG points attribute: "x,y x,y ..." in the 290 x 580 atlas.
    for region in [*front["regions"], *front["zones"], *back["regions"], *back["zones"]]:
        for pair in region["points"].split():
            x, y = map(float, pair.split(","))
            assert -1 <= x <= 291 and -1 <= y <= 581


def test_findings_are_numbered_in_list_order_at_the_centre_of_their_region() -> None:
    views = [
        {
            "view": "front",
            "label": "Front",
            "regions": [{"code": "f_chest_l", "name": "Left chest", "points": square(0, 0)}],
            "zones": [{"code": "z_jaw", "name": "Jaw", "points": square(20, 20)}],
        },
        {
            "view": "back",
            "label": "Back",
            "regions": [
                {"code": "b_upper_back_l", "name": "Left upper back", "points": square(100, 50)}
            ],
            "zones": [],
        },
    ]
    findings = [
        ("z_jaw", "Held tension"),
        ("b_upper_back_l", "Restriction"),
        ("z_jaw", "Release observed"),
        ("nowhere", "Heat"),  # not drawn: no marker, but it keeps its number
        ("f_chest_l", "Heat"),
    ]
    front, back = figures.finding_marks(views, findings)
    assert front["marks"] == [
        {"n": 1, "x": 25.0, "y": 25.0, "title": "1. Held tension: Jaw"},
        # The second finding on the jaw sits 17 units to the right of the first.
        {"n": 3, "x": 42.0, "y": 25.0, "title": "3. Release observed: Jaw"},
        {"n": 5, "x": 5.0, "y": 5.0, "title": "5. Heat: Left chest"},
    ]
    assert back["marks"] == [
        {"n": 2, "x": 105.0, "y": 55.0, "title": "2. Restriction: Left upper back"}
    ]
    assert front["regions"] == views[0]["regions"]
    assert "marks" not in views[0]  # the views given are left as they were


def test_without_findings_every_view_has_an_empty_list_of_marks() -> None:
    marked = figures.finding_marks(figures.atlas_views("male"), [])
    assert [v["marks"] for v in marked] == [[], []]


def test_count_views_shade_regions_from_015_for_one_to_1_for_the_most_frequent() -> None:
    counts = {"z_jaw": 5, "f_chest_l": 1, "b_upper_back_l": 2}
    front, back = figures.count_views("female", counts)
    shaded = {
        r["code"]: (r["count"], r["opacity"])
        for v in (front, back)
        for r in [*v["regions"], *v["zones"]]
    }
    assert shaded["z_jaw"] == (5, 1.0)
    assert shaded["f_chest_l"] == (1, 0.32)  # 0.15 + 0.85 * 1/5
    assert shaded["b_upper_back_l"] == (2, 0.49)  # 0.15 + 0.85 * 2/5
    assert shaded["f_chest_r"] == (0, 0)
    assert len(shaded) == len(REGION_BY_CODE)


def test_region_choices_group_the_regions_by_view() -> None:
    front, back = figures.region_choices()
    assert front["label"] == "Front" and back["label"] == "Back"
    assert {r.view for r in front["regions"]} == {"front"}
    assert {r.view for r in back["regions"]} == {"back"}
    assert "z_jaw" in [r.code for r in front["regions"]]
    assert len(front["regions"]) + len(back["regions"]) == len(REGION_BY_CODE)


def test_touch_groups_give_each_region_its_mark_or_check_in_first() -> None:
    marks = {"f_groin_l": "not_welcome", "b_upper_back_l": "welcome"}
    front, back = figures.touch_groups(marks)
    front_status = {row["region"].code: row["status"] for row in front["regions"]}
    back_status = {row["region"].code: row["status"] for row in back["regions"]}
    assert front_status["f_groin_l"] == "not_welcome"
    assert front_status["z_jaw"] == "check_in"
    assert back_status["b_upper_back_l"] == "welcome"
    assert (front["label"], back["label"]) == ("Front", "Back")


def test_touch_marks_cover_every_region_with_check_in_first_by_default() -> None:
    marks = figures.touch_marks({"z_jaw": "welcome"})
    assert set(marks) == set(REGION_BY_CODE)
    assert marks["z_jaw"] == "welcome"
    assert marks["f_groin_l"] == "check_in"


# --- raster overlays ------------------------------------------------------------------------


def test_a_painting_overlay_colours_each_layer_with_opacity_from_its_value() -> None:
    grid = np.zeros((2, 2, 3, 3), dtype=np.float32)
    grid[0, 0, 1, 1] = 1.0  # front, stronger, full
    grid[1, 1, 2, 2] = 0.5  # back, weaker, half
    front, back = figures.painting_overlays(grid)
    assert front.shape == (3, 3, 4) and front.dtype == np.uint8
    assert tuple(front[1, 1]) == (*VERMILLION, OPAQUE)
    assert tuple(back[2, 2]) == (*BLUE, 115)  # 0.5 * 230
    assert front[..., 3].sum() == OPAQUE and back[..., 3].sum() == 115  # nothing else drawn


def test_the_difference_overlay_uses_its_own_diverging_scale() -> None:
    # ColorBrewer PRGn: midpoint F7F7F7 = (247, 247, 247), green 1B7837 = (27, 120, 55),
    # purple 762A83 = (118, 42, 131); colour = mid + |change| (end - mid), opacity
    # 110 + 145 |change|; never the painting's vermillion / blue.
    before = np.zeros((2, 2, 3, 3), dtype=np.float32)
    after = np.zeros((2, 2, 3, 3), dtype=np.float32)
    before[0, 0, 1, 1], after[0, 0, 1, 1] = 0.4, 1.0  # front: stronger by 0.6 after
    before[0, 0, 2, 2] = 0.4  # front: 0.4 stronger before, nothing after: -0.4
    before[1, 1, 0, 0] = 0.2  # back: weaker before (signed -0.2), nothing after: +0.2
    front, back = figures.difference_overlays(before, after)
    # +0.6: 247 - 0.6 * 220 = 115, 247 - 0.6 * 127 = 170.8, 247 - 0.6 * 192 = 131.8; 197
    assert tuple(front[1, 1]) == (115, 171, 132, 197)
    # -0.4: 247 - 0.4 * 129 = 195.4, 247 - 0.4 * 205 = 165, 247 - 0.4 * 116 = 200.6; 168
    assert tuple(front[2, 2]) == (195, 165, 201, 168)
    # +0.2: 247 - 44 = 203, 247 - 25.4 = 221.6, 247 - 38.4 = 208.6; 110 + 29 = 139
    assert tuple(back[0, 0]) == (203, 222, 209, 139)
    assert front[0, 0, 3] == 0  # unchanged: transparent
    for colour in (VERMILLION, BLUE):
        assert not (front[..., :3] == colour).all(axis=-1).any()


def test_the_frequency_overlay_is_the_share_of_maps_painted() -> None:
    first = np.zeros((2, 2, 3, 3), dtype=np.float32)
    second = np.zeros((2, 2, 3, 3), dtype=np.float32)
    first[0, 0, 0, 0], second[0, 0, 0, 0] = 0.8, 0.3  # painted in both maps: 1.0
    first[0, 0, 1, 1] = 0.6  # painted in one of two: 0.5
    first[1, 1, 2, 2] = 0.04  # below the painted threshold (0.05): not painted
    front, back = figures.frequency_overlays([first, second])
    assert tuple(front[0, 0]) == (*VERMILLION, OPAQUE)
    assert tuple(front[1, 1]) == (*VERMILLION, 115)
    assert back[2, 2, 3] == 0


def test_with_no_maps_the_frequency_overlay_is_transparent() -> None:
    overlays = figures.frequency_overlays([])
    assert len(overlays) == 2
    for overlay in overlays:
        assert overlay.shape == (*raster.GRID, 4)
        assert not overlay[..., 3].any()


def test_signed_levels_subtract_weaker_from_stronger_without_wrapping() -> None:
    levels = np.zeros((2, 2, 1, 2), dtype=np.uint8)
    levels[0, 0] = [[200, 10]]  # front, stronger
    levels[0, 1] = [[50, 250]]  # front, weaker
    signed = figures.signed_levels(levels)
    assert signed.shape == (2, 1, 2) and signed.dtype == np.int16
    assert signed[0].tolist() == [[150, -240]]  # uint8 arithmetic would give 16 for -240
    assert signed[1].tolist() == [[0, 0]]


# --- group map ------------------------------------------------------------------------------

CHEST = (150, 130)  # (row, column): inside the front outline of body shape A
OUTSIDE = (5, 5)  # top-left corner, outside the body


def people_levels(values: list[int]) -> list[np.ndarray]:
    """One stored painting per value: the whole front canvas painted stronger at that level,
    the back left empty."""
    result = []
    for value in values:
        levels = np.zeros((2, 2, *raster.GRID), dtype=np.uint8)
        levels[0, 0] = value
        result.append(levels)
    return result


def test_the_group_map_shows_a_significant_mean_and_leaves_the_rest_blank() -> None:
    assert raster.body_mask("female", "front")[CHEST]
    # Levels 51, 102, ..., 255 are values 0.2, 0.4, 0.6, 0.8, 1.0: mean 0.6, sample SD
    # sqrt(0.4 / 4) = 0.316, t = 0.6 / (0.316 / sqrt 5) = 4.24 on 4 degrees of freedom, which
    # lies between the two-sided 2 % (3.75) and 1 % (4.60) points: p < 0.02 at every body
    # pixel, so Benjamini-Hochberg at q = 0.05 keeps them all. The mean 0.6 is above the
    # 0.5 drawn fully opaque.
    people = ((None, levels) for levels in people_levels([51, 102, 153, 204, 255]))
    front, back = figures.group_overlays(people, "female")
    assert tuple(front[CHEST]) == (*VERMILLION, OPAQUE)
    assert front[OUTSIDE][3] == 0  # outside the body nothing is tested or drawn
    assert not back[..., 3].any()  # nobody painted the back: t = 0, p = 1


def test_the_paired_group_map_tests_the_change_after_minus_before() -> None:
    before = people_levels([51, 102, 153, 204, 255])
    after = people_levels([0, 0, 0, 0, 0])
    # The change is -0.2 ... -1.0: the same test as above with the sign turned, so blue.
    front, _ = figures.group_overlays(zip(before, after, strict=True), "female")
    assert tuple(front[CHEST]) == (*BLUE, OPAQUE)


def test_a_group_map_needs_two_people() -> None:
    with pytest.raises(ValueError):
        figures.group_overlays([(None, people_levels([255])[0])], "female")
