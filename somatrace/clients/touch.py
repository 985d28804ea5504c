"""Touch consent: where the client welcomes touch, and what a mark means for a region.

Plain Python, no Django. A touch-consent map is {atlas region code: status}; a region the
client did not mark means "check in first". The session console logs the 21 coarse regions
of somatrace.bodyregions, so a coarse region takes the most restrictive mark of any atlas
region inside it.
"""

from __future__ import annotations

from collections.abc import Mapping

from somatrace.bodymaps.atlas import REGION_BY_CODE, coarse_of
from somatrace.bodyregions import COARSE_REGION_LABELS

WELCOME = "welcome"
CHECK_IN = "check_in"
NOT_WELCOME = "not_welcome"
STATUSES = (WELCOME, CHECK_IN, NOT_WELCOME)
DEFAULT_STATUS = CHECK_IN  # a region the client did not mark: ask first

# Severity: the most restrictive status of any fine region inside a coarse group wins.
_SEVERITY = {WELCOME: 0, CHECK_IN: 1, NOT_WELCOME: 2}


def is_region(code: str) -> bool:
    """An atlas region (fine) or a coarse group code."""
    return code in REGION_BY_CODE or code in COARSE_REGION_LABELS


def clean_marks(marks: Mapping[str, str]) -> dict[str, str]:
    """Only atlas regions with a known status."""
    return {code: s for code, s in marks.items() if code in REGION_BY_CODE and s in STATUSES}


def status_in_marks(marks: Mapping[str, str], region: str) -> str:
    """The status of a fine region (its own mark, or the default) or of a coarse group
    (the most restrictive mark inside it). ValueError for an unknown region."""
    if not is_region(region):
        raise ValueError("unknown region")
    if region in REGION_BY_CODE:
        return marks.get(region, DEFAULT_STATUS)
    inside = [
        s for code, s in marks.items() if code in REGION_BY_CODE and coarse_of(code) == region
    ]
    if not inside:
        return DEFAULT_STATUS
    return max(inside, key=lambda s: _SEVERITY.get(s, 1))


def marked_by_group(marks: Mapping[str, str]) -> dict[str, str]:
    """Coarse group -> the most restrictive mark the client actually made in it, for groups
    with a "check in first" or "not welcome" mark. Unmarked regions are left out (they are
    "check in first" by default, which a screen says once rather than for every group)."""
    groups: dict[str, str] = {}
    for code, status in marks.items():
        if code not in REGION_BY_CODE or status == WELCOME:
            continue
        group = coarse_of(code)
        if _SEVERITY.get(status, 1) > _SEVERITY.get(groups.get(group, ""), -1):
            groups[group] = status
    return groups
