"""Demo data for physiology, added to the demo practice by somatrace.demo.seed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from somatrace.accounts.models import Practice


def seed(practice: Practice, today: date, log: Callable[[str], None]) -> None:
    """Add this app's demo records to the freshly created demo practice (deterministic)."""
