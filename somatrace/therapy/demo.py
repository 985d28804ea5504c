"""Demo data for the session console (timeline events), added by somatrace.demo.seed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from somatrace.accounts.models import Practice


def seed(practice: Practice, today: date, log: Callable[[str], None]) -> None:
    """Add timeline events to the demo practice's sessions (deterministic)."""
