"""The atlas: 74 named CHOIR regions per shape, somatic zones, coarse groups, SNOMED codes."""

from __future__ import annotations

import numpy as np
import pytest

from somatrace.bodymaps import atlas
from somatrace.bodymaps.raster import label_image
from somatrace.bodyregions import COARSE_REGION_LABELS


def test_there_are_74_choir_regions_36_front_38_back() -> None:
    assert len(atlas.CHOIR_CODES["front"]) == 36
    assert len(atlas.CHOIR_CODES["back"]) == 38
    names = [r.name for r in atlas.REGIONS]
    assert len(set(names)) == len(names)


def test_every_region_rolls_up_to_a_coarse_group_and_has_a_snomed_code() -> None:
    for region in atlas.REGIONS:
        assert region.coarse in COARSE_REGION_LABELS
        assert region.snomed.isdigit() and region.snomed_term
    # every coarse group except none is reachable from the atlas
    assert {r.coarse for r in atlas.REGIONS} == set(COARSE_REGION_LABELS)


@pytest.mark.parametrize("shape", atlas.BODY_SHAPES)
def test_left_and_right_are_the_clients_own(shape) -> None:
    def centre_x(view: str, code: str) -> float:
        return float(np.mean([x for x, _ in atlas.polygons(shape, view)[code]]))

    # Front: the client's right hand is on the image's left.
    assert centre_x("front", "f_hand_r") < atlas.WIDTH / 2 < centre_x("front", "f_hand_l")
    # Back: the client's left hand is on the image's left.
    assert centre_x("back", "b_hand_l") < atlas.WIDTH / 2 < centre_x("back", "b_hand_r")
    # Every right/left pair: on the front the right one is further left in the image.
    for view in atlas.VIEWS:
        for region in atlas.regions_in(view):
            if region.side != "right":
                continue
            partner = region.code[:-1] + "l"
            right_x, left_x = centre_x(view, region.code), centre_x(view, partner)
            assert (right_x < left_x) if view == "front" else (left_x < right_x), region.code


@pytest.mark.parametrize("shape", atlas.BODY_SHAPES)
def test_regions_are_ordered_head_to_foot(shape) -> None:
    def centre_y(view: str, code: str) -> float:
        return float(np.mean([y for _, y in atlas.polygons(shape, view)[code]]))

    front = ["f_face_r", "f_neck_r", "f_chest_r", "f_abdomen_r", "f_thigh_r", "f_knee_r",
             "f_shin_r", "f_ankle_r", "f_foot_r"]  # fmt: skip
    ys = [centre_y("front", c) for c in front]
    assert ys == sorted(ys)
    back = ["b_head_l", "b_neck_l", "b_upper_back_l", "b_mid_back_l", "b_lower_back_l",
            "b_thigh_l", "b_knee_l", "b_calf_l", "b_sole_l"]  # fmt: skip
    ys = [centre_y("back", c) for c in back]
    assert ys == sorted(ys)


@pytest.mark.parametrize("shape", atlas.BODY_SHAPES)
def test_every_choir_region_has_pixels_on_the_label_image(shape) -> None:
    for view in atlas.VIEWS:
        counts = np.bincount(label_image(shape, view).ravel(), minlength=40)
        assert (counts[1 : len(atlas.CHOIR_CODES[view]) + 1] > 50).all()


def test_coarse_of_accepts_fine_and_coarse_codes() -> None:
    assert atlas.coarse_of("z_jaw") == "face_jaw"
    assert atlas.coarse_of("b_upper_back_l") == "upper_back"
    assert atlas.coarse_of("pelvic_floor") == "pelvic_floor"
    with pytest.raises(KeyError):
        atlas.coarse_of("elbow of nowhere")
