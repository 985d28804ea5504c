"""When a questionnaire scheduled every N weeks falls due (pure: dates only, no Django).

A schedule counts in whole calendar days in the practice's own time zone: a questionnaire
last given on Monday 2 November with "every 2 weeks" falls due on Monday 16 November, all
day, whatever the hour it was given (a client answering at 09:00 on the 16th is on time).
"""

from __future__ import annotations

from datetime import date, timedelta


def weeks_due_on(last_given: date, n_weeks: int) -> date:
    """The day the next questionnaire falls due.

    Parameters
    ----------
    last_given : date
        The local date (practice time zone) the last one was given, or the schedule made.
    n_weeks : int
        The schedule's N, in weeks (at least 1; 0 or less counts as 1).

    Returns
    -------
    date
        ``last_given`` plus ``7 * n_weeks`` days.
    """
    return last_given + timedelta(days=7 * max(n_weeks, 1))


def is_due(last_given: date, n_weeks: int, today: date) -> bool:
    """True from the due day on (a late run of the job still finds it due)."""
    return today >= weeks_due_on(last_given, n_weeks)
