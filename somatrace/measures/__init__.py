"""Outcome measures: instruments, administrations, scoring, reliable change."""
