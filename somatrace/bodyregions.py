"""The coarse body regions every part of Somatrace shares (about 20 groups).

The session console records work and releases by these codes; the body-map atlas rolls its
fine regions up into them, so that a region logged in a session and a region painted on a map
mean the same place. Left and right are the client's own. Codes never change meaning.
"""

from __future__ import annotations

COARSE_REGIONS: tuple[tuple[str, str], ...] = (
    ("head", "Head"),
    ("face_jaw", "Face and jaw"),
    ("neck_throat", "Neck and throat"),
    ("shoulder_left", "Left shoulder"),
    ("shoulder_right", "Right shoulder"),
    ("chest_heart", "Chest and heart area"),
    ("upper_back", "Upper back"),
    ("arm_left", "Left arm"),
    ("arm_right", "Right arm"),
    ("hand_left", "Left hand"),
    ("hand_right", "Right hand"),
    ("diaphragm", "Diaphragm"),
    ("belly", "Belly"),
    ("lower_back", "Lower back"),
    ("spine", "Spine (midline)"),
    ("pelvis_hips", "Pelvis and hips"),
    ("pelvic_floor", "Pelvic floor"),
    ("leg_left", "Left leg"),
    ("leg_right", "Right leg"),
    ("foot_left", "Left foot"),
    ("foot_right", "Right foot"),
)

COARSE_REGION_LABELS: dict[str, str] = dict(COARSE_REGIONS)
