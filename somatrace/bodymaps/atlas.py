"""The body-map atlas: silhouettes, named regions, coarse groups and SNOMED CT codes.

Pure data and pure code, no Django. Coordinates are atlas units in a 290 x 580 viewBox per
view (x to the right of the image, y down), the same for both body shapes.

Sources
-------
- Region outlines: the CHOIR Collaborative Body Map (Scherrer et al. 2021, Pain Reports
  6:e880), polygons from the R package CHOIRBM (github emcramer/CHOIRBM, MIT, (c) Eric Cramer
  2021), copied to ``data/choir_*.svg`` with their licence. CHOIR is a *pain* instrument; using
  its regions for sensation and emotion is Somatrace's extension.
- CHOIRBM carries region numbers only (front 101-136, back 201-238). The names are ours,
  given by inspecting polygon centroids. Left and right are the **client's own**: on a FRONT
  view the client's right is on the image's left; on a BACK view the client's left is on the
  image's left.
- The two published outlines number six front regions differently (male 112-117 are female
  114, 115, 116, 117, 112, 113, matched by centroid distance, all within 16 atlas units); our
  region codes are anatomical and the same for both shapes, the CHOIR number is kept per shape.
- Somatic zones (jaw, throat, heart area, diaphragm, belly, pelvic floor, spine, head
  sub-zones) are ellipses we draw, placed relative to the CHOIR regions of each shape. They
  **overlap** the CHOIR regions on purpose: a stroke on the jaw also counts for the face.
- SNOMED CT body-structure concept ids were looked up in the SNOMED CT International browser
  (browser.ihtsdotools.org). ``snomed_exact=False`` marks regions for which we used the
  nearest parent structure we are sure of (for example "Head structure" for the temples).
  Laterality is a separate SNOMED qualifier (24028007 Right, 7771000 Left), as FHIR
  ``bodySite`` post-coordination expects.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from somatrace.bodyregions import COARSE_REGION_LABELS

ATLAS_VERSION = "choir-1"
ATLAS_VERSIONS = (ATLAS_VERSION,)
WIDTH = 290  # atlas units = raster pixels (raster.SCALE is 1)
HEIGHT = 580
VIEWS = ("front", "back")
VIEW_LABELS = {"front": "Front", "back": "Back"}
BODY_SHAPES = ("female", "male")
DATA_DIR = Path(__file__).parent / "data"

SNOMED_RIGHT = "24028007"
SNOMED_LEFT = "7771000"

# (structure code, term, exact?) -- SNOMED CT International browser.
_SCT: dict[str, tuple[str, str, bool]] = {
    "head": ("69536005", "Head structure", True),
    "scalp": ("41695006", "Scalp structure", True),
    "face": ("89545001", "Face structure", True),
    "forehead": ("52795006", "Forehead structure", True),
    "jaw": ("661005", "Jaw region structure", True),
    "neck": ("45048000", "Neck structure", True),
    "throat": ("49928004", "Structure of anterior portion of neck", True),
    "shoulder": ("16982005", "Shoulder region structure", True),
    "thorax": ("51185008", "Thoracic structure", True),
    "heart_area": ("51185008", "Thoracic structure", False),
    "diaphragm": ("5798000", "Diaphragm structure", True),
    "abdomen": ("113345001", "Abdominal structure", True),
    "upper_arm": ("40983000", "Upper arm structure", True),
    "elbow": ("127949000", "Elbow region structure", True),
    "forearm": ("14975008", "Forearm structure", True),
    "wrist": ("8205005", "Wrist region structure", True),
    "hand": ("85562004", "Hand structure", True),
    "hip": ("29836001", "Hip region structure", True),
    "groin": ("26893007", "Inguinal region structure", True),
    "pelvis": ("12921003", "Pelvic structure", True),
    "pelvic_floor": ("12921003", "Pelvic structure", False),
    "thigh": ("68367000", "Thigh structure", True),
    "knee": ("72696002", "Knee region structure", True),
    "lower_leg": ("30021000", "Lower leg structure", True),
    "ankle": ("344001", "Ankle region structure", True),
    "foot": ("56459004", "Foot structure", True),
    "back": ("77568009", "Back structure, excluding neck", True),
    "upper_back": ("77568009", "Back structure, excluding neck", False),
    "lower_back": ("77568009", "Back structure, excluding neck", False),
    "buttock": ("46862004", "Buttock structure", True),
    "spine": ("421060004", "Spinal structure", True),
    "head_part": ("69536005", "Head structure", False),
}


@dataclass(frozen=True)
class Region:
    """One named region of the atlas (the same code on both body shapes)."""

    code: str
    name: str
    view: str  # "front" | "back"
    coarse: str  # a somatrace.bodyregions.COARSE_REGIONS code
    snomed: str  # SNOMED CT body structure concept id
    snomed_term: str
    snomed_exact: bool  # False: nearest parent structure, see module docstring
    side: str  # "right" | "left" | "" (client's own side)
    zone: bool  # True: a somatic zone we draw (overlaps CHOIR regions)

    @property
    def laterality_snomed(self) -> str:
        return {"right": SNOMED_RIGHT, "left": SNOMED_LEFT}.get(self.side, "")


# CHOIR regions: code, name, coarse group, SNOMED key, side, CHOIR id (female), (male).
# Front view: image left = client's right.
_FRONT: tuple[tuple[str, str, str, str, str, int, int], ...] = (
    ("f_head_r", "Right side of the head (front)", "head", "head", "right", 101, 101),
    ("f_head_l", "Left side of the head (front)", "head", "head", "left", 102, 102),
    ("f_face_r", "Right side of the face", "face_jaw", "face", "right", 103, 103),
    ("f_face_l", "Left side of the face", "face_jaw", "face", "left", 104, 104),
    ("f_neck_r", "Right front of the neck", "neck_throat", "neck", "right", 105, 105),
    ("f_neck_l", "Left front of the neck", "neck_throat", "neck", "left", 106, 106),
    ("f_shoulder_r", "Right shoulder (front)", "shoulder_right", "shoulder", "right", 107, 107),
    ("f_chest_r", "Right chest", "chest_heart", "thorax", "right", 108, 108),
    ("f_chest_l", "Left chest", "chest_heart", "thorax", "left", 109, 109),
    ("f_shoulder_l", "Left shoulder (front)", "shoulder_left", "shoulder", "left", 110, 110),
    ("f_upper_arm_r", "Right upper arm (front)", "arm_right", "upper_arm", "right", 111, 111),
    ("f_abdomen_r", "Right side of the abdomen", "belly", "abdomen", "right", 112, 116),
    ("f_abdomen_l", "Left side of the abdomen", "belly", "abdomen", "left", 113, 117),
    ("f_upper_arm_l", "Left upper arm (front)", "arm_left", "upper_arm", "left", 114, 112),
    ("f_elbow_r", "Right elbow (front)", "arm_right", "elbow", "right", 115, 113),
    ("f_elbow_l", "Left elbow (front)", "arm_left", "elbow", "left", 116, 114),
    ("f_forearm_r", "Right forearm (front)", "arm_right", "forearm", "right", 117, 115),
    ("f_forearm_l", "Left forearm (front)", "arm_left", "forearm", "left", 118, 118),
    ("f_wrist_r", "Right wrist (front)", "hand_right", "wrist", "right", 119, 119),
    ("f_hip_r", "Right hip (front)", "pelvis_hips", "hip", "right", 120, 120),
    ("f_groin_r", "Right groin and lower belly", "pelvis_hips", "groin", "right", 121, 121),
    ("f_groin_l", "Left groin and lower belly", "pelvis_hips", "groin", "left", 122, 122),
    ("f_hip_l", "Left hip (front)", "pelvis_hips", "hip", "left", 123, 123),
    ("f_wrist_l", "Left wrist (front)", "hand_left", "wrist", "left", 124, 124),
    ("f_hand_r", "Right hand (palm)", "hand_right", "hand", "right", 125, 125),
    ("f_thigh_r", "Right thigh (front)", "leg_right", "thigh", "right", 126, 126),
    ("f_thigh_l", "Left thigh (front)", "leg_left", "thigh", "left", 127, 127),
    ("f_hand_l", "Left hand (palm)", "hand_left", "hand", "left", 128, 128),
    ("f_knee_r", "Right knee", "leg_right", "knee", "right", 129, 129),
    ("f_knee_l", "Left knee", "leg_left", "knee", "left", 130, 130),
    ("f_shin_r", "Right shin", "leg_right", "lower_leg", "right", 131, 131),
    ("f_shin_l", "Left shin", "leg_left", "lower_leg", "left", 132, 132),
    ("f_ankle_r", "Right ankle (front)", "foot_right", "ankle", "right", 133, 133),
    ("f_ankle_l", "Left ankle (front)", "foot_left", "ankle", "left", 134, 134),
    ("f_foot_r", "Right foot (top)", "foot_right", "foot", "right", 135, 135),
    ("f_foot_l", "Left foot (top)", "foot_left", "foot", "left", 136, 136),
)
# Back view: image left = client's left.
_BACK: tuple[tuple[str, str, str, str, str, int, int], ...] = (
    ("b_crown_l", "Left top of the head (back)", "head", "head", "left", 201, 201),
    ("b_crown_r", "Right top of the head (back)", "head", "head", "right", 202, 202),
    ("b_head_l", "Left back of the head", "head", "head", "left", 203, 203),
    ("b_head_r", "Right back of the head", "head", "head", "right", 204, 204),
    ("b_neck_l", "Left back of the neck", "neck_throat", "neck", "left", 205, 205),
    ("b_neck_r", "Right back of the neck", "neck_throat", "neck", "right", 206, 206),
    ("b_shoulder_l", "Left shoulder (back)", "shoulder_left", "shoulder", "left", 207, 207),
    ("b_upper_back_l", "Left upper back", "upper_back", "upper_back", "left", 208, 208),
    ("b_upper_back_r", "Right upper back", "upper_back", "upper_back", "right", 209, 209),
    ("b_shoulder_r", "Right shoulder (back)", "shoulder_right", "shoulder", "right", 210, 210),
    ("b_upper_arm_l", "Left upper arm (back)", "arm_left", "upper_arm", "left", 211, 211),
    ("b_mid_back_l", "Left middle back", "upper_back", "back", "left", 212, 212),
    ("b_mid_back_r", "Right middle back", "upper_back", "back", "right", 213, 213),
    ("b_upper_arm_r", "Right upper arm (back)", "arm_right", "upper_arm", "right", 214, 214),
    ("b_elbow_l", "Left elbow (back)", "arm_left", "elbow", "left", 215, 215),
    ("b_elbow_r", "Right elbow (back)", "arm_right", "elbow", "right", 216, 216),
    ("b_forearm_l", "Left forearm (back)", "arm_left", "forearm", "left", 217, 217),
    ("b_lower_back_l", "Left lower back", "lower_back", "lower_back", "left", 218, 218),
    ("b_lower_back_r", "Right lower back", "lower_back", "lower_back", "right", 219, 219),
    ("b_forearm_r", "Right forearm (back)", "arm_right", "forearm", "right", 220, 220),
    ("b_wrist_l", "Left wrist (back)", "hand_left", "wrist", "left", 221, 221),
    ("b_hip_l", "Left hip (side)", "pelvis_hips", "hip", "left", 222, 222),
    ("b_buttock_l", "Left buttock", "pelvis_hips", "buttock", "left", 223, 223),
    ("b_buttock_r", "Right buttock", "pelvis_hips", "buttock", "right", 224, 224),
    ("b_hip_r", "Right hip (side)", "pelvis_hips", "hip", "right", 225, 225),
    ("b_wrist_r", "Right wrist (back)", "hand_right", "wrist", "right", 226, 226),
    ("b_hand_l", "Left hand (back)", "hand_left", "hand", "left", 227, 227),
    ("b_thigh_l", "Left thigh (back)", "leg_left", "thigh", "left", 228, 228),
    ("b_thigh_r", "Right thigh (back)", "leg_right", "thigh", "right", 229, 229),
    ("b_hand_r", "Right hand (back)", "hand_right", "hand", "right", 230, 230),
    ("b_knee_l", "Back of the left knee", "leg_left", "knee", "left", 231, 231),
    ("b_knee_r", "Back of the right knee", "leg_right", "knee", "right", 232, 232),
    ("b_calf_l", "Left calf", "leg_left", "lower_leg", "left", 233, 233),
    ("b_calf_r", "Right calf", "leg_right", "lower_leg", "right", 234, 234),
    ("b_ankle_l", "Left ankle and heel", "foot_left", "ankle", "left", 235, 235),
    ("b_ankle_r", "Right ankle and heel", "foot_right", "ankle", "right", 236, 236),
    ("b_sole_l", "Left sole", "foot_left", "foot", "left", 237, 237),
    ("b_sole_r", "Right sole", "foot_right", "foot", "right", 238, 238),
)

# Somatic zones: code, name, view, coarse, SNOMED key, reference regions, ellipse placement
# (centre x, centre y, half-width, half-height as fractions of the reference regions' box).
_ZONES: tuple[tuple[str, str, str, str, str, tuple[str, ...], tuple[float, ...]], ...] = (
    ("z_forehead", "Forehead", "front", "head", "forehead",
     ("f_face_r", "f_face_l"), (0.5, 0.14, 0.34, 0.10)),
    ("z_temple_r", "Right temple", "front", "head", "head_part",
     ("f_face_r", "f_face_l"), (0.14, 0.30, 0.10, 0.09)),
    ("z_temple_l", "Left temple", "front", "head", "head_part",
     ("f_face_r", "f_face_l"), (0.86, 0.30, 0.10, 0.09)),
    ("z_jaw", "Jaw", "front", "face_jaw", "jaw",
     ("f_face_r", "f_face_l"), (0.5, 0.80, 0.36, 0.13)),
    ("z_throat", "Throat", "front", "neck_throat", "throat",
     ("f_neck_r", "f_neck_l"), (0.5, 0.5, 0.22, 0.40)),
    ("z_heart", "Chest centre and heart area", "front", "chest_heart", "heart_area",
     ("f_chest_r", "f_chest_l"), (0.56, 0.38, 0.22, 0.18)),
    ("z_diaphragm", "Diaphragm", "front", "diaphragm", "diaphragm",
     ("f_chest_r", "f_chest_l"), (0.5, 0.90, 0.40, 0.08)),
    ("z_belly", "Belly", "front", "belly", "abdomen",
     ("f_abdomen_r", "f_abdomen_l"), (0.5, 0.62, 0.30, 0.25)),
    ("z_pelvic_floor", "Pelvic floor", "front", "pelvic_floor", "pelvic_floor",
     ("f_groin_r", "f_groin_l"), (0.5, 0.85, 0.16, 0.12)),
    ("z_crown", "Crown of the head", "back", "head", "head_part",
     ("b_crown_l", "b_crown_r"), (0.5, 0.35, 0.36, 0.30)),
    ("z_back_of_head", "Back of the head (occiput)", "back", "head", "head_part",
     ("b_head_l", "b_head_r"), (0.5, 0.55, 0.30, 0.22)),
    ("z_spine", "Spine (midline)", "back", "spine", "spine",
     ("b_neck_l", "b_neck_r", "b_lower_back_l", "b_lower_back_r"), (0.5, 0.5, 0.09, 0.5)),
)  # fmt: skip

_POLYGON = re.compile(r'<polygon id="r(\d+)" points="([^"]+)"')
Point = tuple[float, float]


def _region(row: tuple[str, str, str, str, str, int, int], view: str) -> Region:
    code, name, coarse, key, side, _, _ = row
    sct, term, exact = _SCT[key]
    assert coarse in COARSE_REGION_LABELS, coarse
    return Region(code, name, view, coarse, sct, term, exact, side, zone=False)


def _zone(row: tuple[str, str, str, str, str, tuple[str, ...], tuple[float, ...]]) -> Region:
    code, name, view, coarse, key, _, _ = row
    sct, term, exact = _SCT[key]
    side = "right" if code.endswith("_r") else "left" if code.endswith("_l") else ""
    assert coarse in COARSE_REGION_LABELS, coarse
    return Region(code, name, view, coarse, sct, term, exact, side, zone=True)


REGIONS: tuple[Region, ...] = (
    tuple(_region(r, "front") for r in _FRONT)
    + tuple(_region(r, "back") for r in _BACK)
    + tuple(_zone(z) for z in _ZONES)
)
REGION_BY_CODE: dict[str, Region] = {r.code: r for r in REGIONS}
CHOIR_CODES: dict[str, tuple[str, ...]] = {
    view: tuple(r.code for r in REGIONS if r.view == view and not r.zone) for view in VIEWS
}
ZONE_CODES: dict[str, tuple[str, ...]] = {
    view: tuple(r.code for r in REGIONS if r.view == view and r.zone) for view in VIEWS
}
# The CHOIR number of each region per body shape, kept for provenance and CHOIR exports.
CHOIR_NUMBER: dict[str, dict[str, int]] = {
    "female": {row[0]: row[5] for row in _FRONT + _BACK},
    "male": {row[0]: row[6] for row in _FRONT + _BACK},
}


def regions_in(view: str, *, zones: bool = True) -> list[Region]:
    return [r for r in REGIONS if r.view == view and (zones or not r.zone)]


def region_label(code: str) -> str:
    """Name of a fine region, or label of a coarse group (as the session console logs them)."""
    region = REGION_BY_CODE.get(code)
    if region is not None:
        return region.name
    return COARSE_REGION_LABELS.get(code, code)


def coarse_of(code: str) -> str:
    """Coarse group of a fine region code, or the code itself if it already is a coarse code."""
    if code in COARSE_REGION_LABELS:
        return code
    return REGION_BY_CODE[code].coarse


def _ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 24) -> list[Point]:
    return [
        (round(cx + rx * math.cos(2 * math.pi * k / n), 1),
         round(cy + ry * math.sin(2 * math.pi * k / n), 1))
        for k in range(n)
    ]  # fmt: skip


@cache
def polygons(body_shape: str, view: str) -> dict[str, list[Point]]:
    """Region code -> polygon (list of (x, y) atlas units) for one body shape and view.

    CHOIR regions first (they tile the silhouette), then the somatic zones (overlapping).
    """
    if body_shape not in BODY_SHAPES or view not in VIEWS:
        raise ValueError(f"unknown body shape or view: {body_shape!r}, {view!r}")
    text = (DATA_DIR / f"choir_{body_shape}_{view}.svg").read_text()
    by_number = {
        int(number): [tuple(float(v) for v in pair.split(",")) for pair in points.split()]
        for number, points in _POLYGON.findall(text)
    }
    numbers = CHOIR_NUMBER[body_shape]
    result: dict[str, list[Point]] = {
        code: [(p[0], p[1]) for p in by_number[numbers[code]]] for code in CHOIR_CODES[view]
    }
    for code, _, zone_view, _, _, refs, (fx, fy, fw, fh) in _ZONES:
        if zone_view != view:
            continue
        xs = [p[0] for ref in refs for p in result[ref]]
        ys = [p[1] for ref in refs for p in result[ref]]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        result[code] = _ellipse(
            x0 + fx * (x1 - x0), y0 + fy * (y1 - y0), fw * (x1 - x0), fh * (y1 - y0)
        )
    return result


def svg_points(polygon: list[Point]) -> str:
    """The polygon as an SVG `points` attribute."""
    return " ".join(f"{x:g},{y:g}" for x, y in polygon)
