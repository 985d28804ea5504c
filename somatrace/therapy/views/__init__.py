"""Therapy pages, by screen: the session record (sessions.py), the live console (console.py),
the timeline's events (events.py) and the practice's own words (words.py)."""
