"""Demo data for outcome measures, added to the demo practice by somatrace.demo.seed."""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from somatrace.accounts.models import Practice
from somatrace.alerts.models import Priority
from somatrace.alerts.services import acknowledge, raise_alert
from somatrace.clients.models import Client
from somatrace.core.actor import Actor
from somatrace.measures import instruments
from somatrace.measures.change import reliable_change
from somatrace.measures.models import (
    AccessLink,
    Administration,
    Assignment,
    Channel,
    Schedule,
    Status,
)
from somatrace.measures.scoring import score
from somatrace.therapy.models import Session

DEMO_SEED = 5150
EVERY = 4  # questionnaires every 4 sessions, and at the first and latest session
CHANNELS = [Channel.KIOSK, Channel.KIOSK, Channel.LINK, Channel.PAPER]


def _spread(rng: random.Random, total: int, n_items: int, top: int) -> list[int]:
    """n_items answers in 0..top summing to total (clamped to what is possible)."""
    total = max(0, min(total, n_items * top))
    answers = [0] * n_items
    order = list(range(n_items))
    for _ in range(total):
        rng.shuffle(order)
        for index in order:
            if answers[index] < top:
                answers[index] += 1
                break
    return answers


def _level_answers(rng: random.Random, defn: instruments.Instrument, level: float) -> list[int]:
    """Answers for instruments with reverse items: level 0..1 of the construct (stress for
    PSS-10, awareness for MAIA-2); reversed items are answered the other way."""
    top = defn.max_value
    answers = []
    for item in defn.items:
        value = level if item.number not in defn.reverse_items else 1 - level
        answers.append(max(0, min(top, round(top * value + rng.gauss(0, 0.6)))))
    return answers


def _ratio(pre_suds: list[int]) -> float:
    """Late pre-session SUDS over early ones: the client's trajectory in the session data."""
    values = [v for v in pre_suds if v is not None]
    if len(values) < 4:
        return 1.0
    k = max(2, len(values) // 4)
    early = sum(values[:k]) / k
    late = sum(values[-k:]) / k
    return late / early if early else 1.0


def seed(practice: Practice, today: date, log: Callable[[str], None]) -> None:
    """Add this app's demo records to the freshly created demo practice (deterministic)."""
    rng = random.Random(DEMO_SEED)
    now = timezone.now()
    clients = {
        c.pk: c
        for c in Client.objects.filter(practice=practice, hold_since__isnull=True).order_by("pk")
    }
    by_client: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        Session.objects.filter(practice=practice, starts_at__lt=now)
        .order_by("client_id", "starts_at")
        .values("id", "client_id", "starts_at", "pre_suds")
    ):
        by_client[row["client_id"]].append(dict(row))

    administrations: list[Administration] = []
    assignments: list[Assignment] = []
    risk_client: Client | None = None
    deteriorating: list[tuple[Client, str, float, float]] = []
    pending_for_links: list[Administration] = []

    for position, (client_id, sessions) in enumerate(sorted(by_client.items())):
        client = clients.get(client_id)
        if client is None or len(sessions) < 3:
            continue
        ratio = _ratio([s["pre_suds"] for s in sessions])
        worsens = ratio > 1.25
        picks = sorted({0, *range(EVERY, len(sessions), EVERY), len(sessions) - 1})
        codes = ["PHQ9", "GAD7"]
        if position % 3 == 0:
            codes.append("PSS10")
        if position % 4 == 1:
            codes.append("MAIA2")
        if position % 7 == 2:
            codes.append("PCL5")
        practitioner_id = client.assigned_practitioner_id
        for code in codes:
            defn = instruments.INSTRUMENTS[code]
            assignments.append(
                Assignment(
                    client=client,
                    instrument=code,
                    schedule=Schedule.EVERY_N_SESSIONS,
                    n=EVERY,
                    created_by_id=practitioner_id,
                    created_at=sessions[0]["starts_at"] - timedelta(days=1),
                )
            )
            high = defn.total_range[1]
            if worsens and code in ("PHQ9", "GAD7", "PCL5"):
                start = rng.uniform(0.2, 0.35) * high  # mild at first, then worse
            elif code == "PHQ9":
                start = rng.uniform(10, 19)
            elif code == "GAD7":
                start = rng.uniform(8, 16)
            elif code == "PCL5":
                start = rng.uniform(30, 52)
            else:
                start = rng.uniform(0.55, 0.75)  # PSS-10 stress / MAIA-2 (inverted) level
            # Final level follows the client's SUDS trajectory; a worsening client worsens.
            end_fraction = max(0.3, min(1.1, ratio))
            if worsens:
                change = defn.change
                rise = (
                    1.4 * change.published_threshold if change and change.published_threshold else 0
                )
                end_fraction = (start + rise) / start if rise else 1.5
            for number, index in enumerate(picks):
                progress = number / max(1, len(picks) - 1)
                fraction = 1 + (end_fraction - 1) * progress
                if code in ("PSS10", "MAIA2"):
                    level = min(0.95, max(0.05, start * fraction + rng.gauss(0, 0.03)))
                    if code == "MAIA2":
                        level = 1 - level  # awareness rises as distress falls
                    answers = _level_answers(rng, defn, level)
                else:
                    target = round(start * fraction + rng.gauss(0, 1.2))
                    item_top = defn.max_value
                    if code == "PHQ9":
                        answers = [*_spread(rng, target, 8, item_top), 0]
                    else:
                        answers = _spread(rng, target, defn.n_items, item_top)
                result = score(defn, answers)
                when = sessions[index]["starts_at"] - timedelta(minutes=10)
                administrations.append(
                    Administration(
                        client=client,
                        instrument=code,
                        version=defn.version,
                        assigned_by_id=practitioner_id,
                        created_at=when - timedelta(days=1),
                        due=when.date(),
                        status=Status.COMPLETED,
                        channel=rng.choice(CHANNELS),
                        completed_at=when,
                        answers=answers,
                        total=result.total,
                        band=result.band or "",
                        subscales=result.subscales,
                        details=result.details,
                        valid=True,
                        session_id=sessions[index]["id"],
                    )
                )
            first = next(a for a in administrations if a.client == client and a.instrument == code)
            last = administrations[-1]
            if worsens and defn.change is not None and first.total is not None:
                assert last.total is not None
                deteriorating.append((client, code, first.total, last.total))
        if risk_client is None and ratio < 1.0 and position > 5 and client.status == "active":
            risk_client = client
        if position % 9 == 4 and client.status == "active":
            pending_for_links.append(
                Administration(
                    client=client,
                    instrument="PHQ9",
                    version=instruments.PHQ9.version,
                    assigned_by_id=practitioner_id,
                    created_at=now - timedelta(days=1),
                    due=today,
                )
            )

    # One client's latest PHQ-9 carries a risk answer on item 9: an open alert.
    if risk_client is not None:
        latest = [a for a in administrations if a.client == risk_client and a.instrument == "PHQ9"][
            -1
        ]
        latest.answers = [*latest.answers[:8], 1]
        result = score(instruments.PHQ9, latest.answers)
        latest.total, latest.band = result.total, result.band or ""

    Assignment.objects.bulk_create(assignments, batch_size=500)
    Administration.objects.bulk_create(administrations, batch_size=500)
    created = Administration.objects.bulk_create(pending_for_links)
    AccessLink.objects.bulk_create(
        [
            AccessLink(
                administration=a,
                # A random token nobody holds: the demo shows links waiting, not usable ones.
                token_hash=hashlib.sha256(rng.randbytes(32)).hexdigest(),
                created_by_id=a.assigned_by_id,
                created_at=now - timedelta(days=1),
                expires_at=now + timedelta(days=6),
            )
            for a in created[:3]
        ]
    )
    system = Actor.system(practice.pk, "demo")
    if risk_client is not None:
        raise_alert(
            system,
            risk_client,
            "phq9.item9",
            instruments.PHQ9.risk_items[0].title,
            Priority.HIGH,
        )
    for number, (client, code, before, after) in enumerate(deteriorating):
        defn = instruments.INSTRUMENTS[code]
        if reliable_change(defn, before, after).category == "deteriorated":
            alert = raise_alert(
                system,
                client,
                f"measures.deterioration.{code.lower()}",
                f"{defn.short_title}: reliable deterioration since the first score "
                f"({before:g} → {after:g})",
                Priority.LOWER,
            )
            if number > 0:  # the first stays open; the others show an acknowledgement
                acknowledge(
                    Actor.staff(client.assigned_practitioner.membership),
                    alert,
                    "Discussed at the session; pacing slowed and GP letter agreed.",
                )
    log(
        f"Outcome measures: {len(administrations)} questionnaires for "
        f"{len({a.client_id for a in administrations})} clients, {len(created)} waiting."
    )


__all__ = ["seed"]
