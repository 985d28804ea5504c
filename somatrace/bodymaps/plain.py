"""A client's own body maps in plain words, for the portal. No Django import.

Reads the stored statistics of a painting (see summaries.py) and says how much of the body
the client marked on each layer, then how the first and latest maps compare. The words
describe what the client painted, never why it changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from somatrace.bodymaps.summaries import layer_coverage

WHAT_IT_MEANS = (
    "Body maps show where you noticed sensations when you painted them. They describe "
    "your experience at that moment; they do not show what caused a change."
)


def _percent(share: float) -> str:
    value = round(share * 100)
    if value == 0 and share > 0:
        return "less than 1%"
    return f"{value}%"


def map_sentence(stats: Mapping[str, Any], nothing_felt: bool) -> str:
    """'You marked 12% of your body as stronger or more active and 3% as weaker or less.'"""
    if nothing_felt:
        return "You noted that you did not feel anything particular."
    stronger = layer_coverage(stats, "stronger")
    weaker = layer_coverage(stats, "weaker")
    if stronger == 0 and weaker == 0:
        return "Nothing was painted on this map."
    return (
        f"You marked {_percent(stronger)} of your body as stronger or more active and "
        f"{_percent(weaker)} as weaker or less."
    )


def over_time_sentence(
    first: Mapping[str, Any], first_day: date, latest: Mapping[str, Any], latest_day: date
) -> str:
    """How the area marked stronger compares between the first and the latest map."""
    before, after = layer_coverage(first, "stronger"), layer_coverage(latest, "stronger")
    when = f"from your first map ({first_day.day} {first_day:%b %Y}) to your latest "
    when += f"({latest_day.day} {latest_day:%b %Y})"
    if round(before * 100) == round(after * 100):
        return f"The area you marked stronger or more active was about the same {when}."
    return (
        f"The area you marked stronger or more active went from {_percent(before)} to "
        f"{_percent(after)} of your body, {when}."
    )
