"""Intake screen for craniosacral / SER work: what holds a client, what needs care, what is a risk.

Plain Python, no Django: the intake form is built from SCREEN_ITEMS and the outcome comes from
evaluate_screen().

Sources. The absolute items follow the contraindications the Upledger Institute publishes for
CranioSacral Therapy (conditions in which a small change in intracranial pressure or fluid
dynamics could cause harm: acute aneurysm, cerebral haemorrhage and bleeding disorders,
recent skull fracture), extended with the items in Somatrace's intake specification (recent
stroke, CSF leak or lumbar puncture, raised intracranial pressure, recent spinal or rib
fracture). Relative items ask for care and a conversation, not a hold. The psychological items
are a safety screen, not a diagnosis: a "yes" raises an alert that a practitioner must
acknowledge. Each practice should review this list with its own clinical governance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class ItemKind(StrEnum):
    ABSOLUTE = "absolute"  # hold the client until a practitioner records clearance
    RELATIVE = "relative"  # proceed with care; shown as a caution
    SAFETY = "safety"  # raise a safety alert that waits for acknowledgement


@dataclass(frozen=True)
class ScreenItem:
    code: str
    question: str
    kind: ItemKind


SCREEN_ITEMS: tuple[ScreenItem, ...] = (
    ScreenItem("skull_fracture", "Skull fracture in recent months", ItemKind.ABSOLUTE),
    ScreenItem("stroke_6_months", "Stroke within the last six months", ItemKind.ABSOLUTE),
    ScreenItem(
        "csf_leak_or_lumbar_puncture",
        "Recent cerebrospinal fluid leak or lumbar puncture",
        ItemKind.ABSOLUTE,
    ),
    ScreenItem("acute_aneurysm", "Acute or untreated aneurysm", ItemKind.ABSOLUTE),
    ScreenItem(
        "raised_intracranial_pressure",
        "Raised intracranial pressure (diagnosed or suspected)",
        ItemKind.ABSOLUTE,
    ),
    ScreenItem(
        "bleeding_disorder",
        "Bleeding disorder, or a recent bleed in the brain",
        ItemKind.ABSOLUTE,
    ),
    ScreenItem("spinal_or_rib_fracture", "Recent spinal or rib fracture", ItemKind.ABSOLUTE),
    ScreenItem("high_risk_pregnancy", "High-risk pregnancy", ItemKind.RELATIVE),
    ScreenItem("acute_infection", "Acute infection or fever", ItemKind.RELATIVE),
    ScreenItem(
        "deep_vein_thrombosis", "Deep-vein thrombosis (current or recent)", ItemKind.RELATIVE
    ),
    ScreenItem(
        "suicidal_thoughts", "Current thoughts of suicide or of harming oneself", ItemKind.SAFETY
    ),
    ScreenItem(
        "psychosis",
        "Current psychotic symptoms (hearing or seeing things others do not, "
        "beliefs others find very unusual)",
        ItemKind.SAFETY,
    ),
    ScreenItem("substance_crisis", "An active crisis with alcohol or drug use", ItemKind.SAFETY),
)

ITEMS_BY_CODE: dict[str, ScreenItem] = {item.code: item for item in SCREEN_ITEMS}


@dataclass(frozen=True)
class ScreenResult:
    holds: tuple[ScreenItem, ...]
    cautions: tuple[ScreenItem, ...]
    safety: tuple[ScreenItem, ...]
    unanswered: tuple[ScreenItem, ...]

    @property
    def needs_clearance(self) -> bool:
        return bool(self.holds)


def evaluate_screen(answers: Mapping[str, bool | None]) -> ScreenResult:
    """Sort the positive answers by kind. answers maps item code -> True (yes) / False / None.

    Unknown codes are ignored; an item that is missing or None counts as unanswered, never as
    a "no".
    """
    positive = [item for item in SCREEN_ITEMS if answers.get(item.code) is True]
    return ScreenResult(
        holds=tuple(item for item in positive if item.kind is ItemKind.ABSOLUTE),
        cautions=tuple(item for item in positive if item.kind is ItemKind.RELATIVE),
        safety=tuple(item for item in positive if item.kind is ItemKind.SAFETY),
        unanswered=tuple(item for item in SCREEN_ITEMS if answers.get(item.code) is None),
    )
