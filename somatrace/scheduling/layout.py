"""Where a calendar draws things: rows of 15 minutes from the first hour shown, and side by
side lanes for appointments that overlap in one column. Plain Python, no Django.

The page is a CSS grid; positions travel as class names (`cal-r-5 cal-s-4`: start on row
5, span 4 rows), since the Content-Security-Policy allows no style attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

SLOT_MINUTES = 15  # the grid's step, and what a drag snaps to
MAX_ROWS = 96  # a whole day of 15-minute rows (24 * 4): the stylesheet has classes up to it
MAX_LANES = 6  # side-by-side lanes the stylesheet knows; more overlaps share the last lane
DEFAULT_HOURS = (8, 19)  # shown when nothing earlier or later is in the day


@dataclass(frozen=True)
class Place:
    """A block's place in its column: grid row `row` (1-based) spanning `span` rows, in lane
    `lane` (0-based) of `lanes`."""

    row: int
    span: int
    lane: int = 0
    lanes: int = 1


def hours_shown(local_times: Sequence[tuple[time, time]]) -> tuple[int, int]:
    """The first and the (exclusive) last hour to draw: DEFAULT_HOURS widened to whole hours
    around every (start, end) wall-clock pair given. An end at midnight (time(0)) counts as
    the end of the day."""
    first, last = DEFAULT_HOURS
    for start, end in local_times:
        first = min(first, start.hour)
        end_hour = 24 if end == time(0) else end.hour + (1 if (end.minute or end.second) else 0)
        last = max(last, end_hour)
    return first, max(last, first + 1)


def place(start: datetime, end: datetime, day_start: datetime, rows: int) -> Place | None:
    """The rows a local [start, end) takes in a column whose first row begins at `day_start`
    (all three naive wall-clock datetimes of the same calendar). Clipped to the column; None
    when it falls outside. Times off the 15-minute grid round down at the start and up at
    the end, so a block is never shorter than one row."""
    first = int((start - day_start).total_seconds() // 60) // SLOT_MINUTES
    end_minutes = (end - day_start).total_seconds() / 60
    last = -int(-end_minutes // SLOT_MINUTES)  # ceiling
    first, last = max(first, 0), min(last, rows)
    if last <= first:
        return None
    return Place(row=first + 1, span=last - first)


def lanes(places: Sequence[Place]) -> list[Place]:
    """Give blocks that overlap side-by-side lanes: each cluster of overlapping blocks gets as
    many lanes as it needs at most at once (capped at MAX_LANES), each block the first lane
    free at its start. Returns the places in the order given, with lane and lanes set."""
    order = sorted(range(len(places)), key=lambda i: (places[i].row, -places[i].span))
    result: list[Place] = list(places)
    cluster: list[int] = []
    cluster_end = 0
    lane_ends: list[int] = []

    def close() -> None:
        width = min(max(len(lane_ends), 1), MAX_LANES)
        for i in cluster:
            result[i] = Place(result[i].row, result[i].span, min(result[i].lane, width - 1), width)

    for i in order:
        p = places[i]
        if cluster and p.row >= cluster_end:
            close()
            cluster, lane_ends, cluster_end = [], [], 0
        free = next((n for n, ends in enumerate(lane_ends) if ends <= p.row), None)
        if free is None:
            lane_ends.append(p.row + p.span)
            free = len(lane_ends) - 1
        else:
            lane_ends[free] = p.row + p.span
        result[i] = Place(p.row, p.span, free, 1)
        cluster.append(i)
        cluster_end = max(cluster_end, p.row + p.span)
    if cluster:
        close()
    return result
