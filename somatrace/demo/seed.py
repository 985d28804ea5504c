"""A deterministic synthetic practice for the demo, and large practices for benchmarks.

Everything here is invented. Names are deliberately unlike real names; the demo password
exists only for demo accounts, which belong to the practice flagged is_demo.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import transaction

from somatrace.accounts.models import ClientAccount, Membership, Practice, Role, User
from somatrace.billing import demo as billing_demo
from somatrace.bodymaps import demo as bodymaps_demo
from somatrace.clients.models import Client, ConsentForm, ConsentRecord, Intake, Status, Tag
from somatrace.clients.screening import SCREEN_ITEMS
from somatrace.clients.services import save_intake
from somatrace.core.actor import Actor
from somatrace.homework import demo as homework_demo
from somatrace.journal import demo as journal_demo
from somatrace.measures import demo as measures_demo
from somatrace.measures import instruments
from somatrace.measures.models import Administration
from somatrace.physio import demo as physio_demo
from somatrace.scheduling import demo as scheduling_demo
from somatrace.therapy import demo as therapy_demo
from somatrace.therapy.models import Note, Session, Technique

DEMO_PASSWORD = "somatrace-demo"  # noqa: S105 - documented demo login, demo practice only
DEMO_CLIENT_EMAIL = "client@demo.test"  # the demo client's portal sign-in
DEMO_SEED = 1729
UNUSABLE_PASSWORD = UNUSABLE_PASSWORD_PREFIX + "scale"  # nobody logs in to a scale practice
DEMO_TIME_ZONE = "Europe/London"
DEMO_DAYS = 548  # about 18 months of history
# The main practitioner's day (local times, 60 minutes each). The slots already over when the
# demo is made were held, their notes still to sign; the rest are appointments still to come,
# so that a demo made at 8 in the morning shows no session held at 9. A demo made for a given
# day (as the tests do) is made as at midday: two held, two to come.
TODAYS_SLOTS = ((9, 0), (10, 30), (13, 0), (15, 30))
TODAYS_MINUTES = 60
MIDDAY = (12, 0)

FIRST_NAMES = (
    "Alder",
    "Briony",
    "Calloway",
    "Dorrit",
    "Elowen",
    "Fennimore",
    "Garnet",
    "Hazeline",
    "Ilex",
    "Juniper",
    "Kestrel",
    "Larkin",
    "Marigold",
    "Nettle",
    "Orrin",
    "Perrin",
    "Quillon",
    "Rowanne",
    "Sorrel",
    "Tamsin",
    "Umber",
    "Verity",
    "Wrenna",
    "Yarrow",
    "Zinnia",
    "Bramble",
    "Cress",
    "Linden",
    "Saffron",
    "Thistle",
)
LAST_NAMES = (
    "Applethwaite",
    "Bellflower",
    "Cobblestone",
    "Dewberry",
    "Eddington-Moss",
    "Fernsby",
    "Gladwell-Pike",
    "Hollowell",
    "Inkwater",
    "Juniperfield",
    "Kettleburn",
    "Lanternwick",
    "Mossgrove",
    "Nightingale-Ashe",
    "Oakhollow",
    "Puddleby",
    "Quenby",
    "Rushwater",
    "Sallowmere",
    "Thimbleby",
)
PRONOUNS = ("she/her", "he/him", "they/them", "she/they", "")
CONCERNS = (
    "Chronic neck and shoulder tension since a car accident; headaches.",
    "Work stress, poor sleep, jaw clenching.",
    "Grief after a bereavement; feels 'numb in the chest'.",
    "Lower back pain that physiotherapy has not resolved.",
    "Anxiety with a tight throat and shallow breathing.",
    "Recovering from burnout; wants to feel at home in the body again.",
    "Old sports injury to the left knee; guarded walking.",
    "Panic episodes; wants tools to settle.",
)
GOALS = (
    "Sleep through the night; fewer headaches.",
    "Notice stress earlier and be able to calm down.",
    "Feel the chest soften; cry when it is needed.",
    "Walk without bracing.",
    "Less jaw pain; fewer mouth-guard nights.",
)
SUBJECTIVE = (
    "Reports a difficult week at work; sleep around five hours.",
    "Says the headaches were less frequent since the last session.",
    "Arrived tired; 'my shoulders are up by my ears'.",
    "Feels steadier; noticed breathing slowing during the drive home last time.",
    "Describes a tight band across the chest since the anniversary.",
)
OBJECTIVE = (
    "Restriction at the occipital base; breath shallow at first, deepened after 20 min.",
    "Held tension in both upper trapezius; trembling in the legs during unwinding, "
    "then a long exhale.",
    "Stillpoint after about 25 min; warmth reported in the abdomen.",
    "Jaw held; tears during dialogue about the accident, settled with grounding.",
    "Pulsation noted over the sternum; shoulders dropped visibly by the end.",
)
ASSESSMENT = (
    "Settled within the session; distress lower at the end.",
    "Some activation early on; stayed within the window of tolerance with pacing.",
    "Little change in ratings today; client tired.",
    "Tension pattern consistent with previous sessions; gradual softening.",
)
PLAN = (
    "Continue fortnightly. Home practice: slow exhale before sleep.",
    "Next session in one week; revisit the jaw and throat.",
    "Keep the pace gentle; body-scan journal between sessions.",
    "Review goals in three sessions.",
)
# Which practitioner each client goes to: the main demo login gets 24 of 60, the others 18.
ASSIGNMENT = (0, 0, 0, 0, 1, 1, 1, 2, 2, 2)
TAGS = ("referral: GP", "evening", "sliding scale", "chronic pain", "trauma-aware pacing")
DEMO_CONSENT = """\
Somatic bodywork uses light touch, usually through clothing, and conversation about what you
notice in your body. It is not a substitute for medical or psychological care.

• You can ask to pause or stop at any moment, and say where you do not want to be touched.
• Emotions, memories and body reactions (warmth, trembling, tears) may come up; your
  practitioner will go at your pace.
• Your records are kept confidentially and only shared with your written permission, unless
  the law requires it or someone is at serious risk of harm.
• You may withdraw this consent at any time.
"""
CRISIS_RESOURCES = """\
Emergency: call 999 (UK) or 112.
Samaritans, 24 hours: 116 123.
Shout text line: text SHOUT to 85258.
Practice phone (weekdays 9–17): 01632 960 000 (fictional demo number)."""
SAFETY_PROTOCOL = """\
1. Contact the client the same day; ask directly about safety and plans.
2. If there is immediate danger, call 999 and stay with them (or on the phone).
3. Share crisis resources; agree a safety plan; encourage contact with their GP.
4. Record what was done when acknowledging the alert; tell the practice owner."""


@dataclass(frozen=True)
class Trajectory:
    """How a client's self-ratings move over their course of sessions."""

    name: str
    start_suds: tuple[float, float]
    end_fraction: float  # final pre-session SUDS as a fraction of the start
    within_session_drop: tuple[float, float]


TRAJECTORIES = {
    "improves": Trajectory("improves", (5.5, 8.0), 0.4, (1.0, 3.0)),
    "improves_slowly": Trajectory("improves_slowly", (5.0, 7.5), 0.75, (0.5, 2.0)),
    "no_change": Trajectory("no_change", (4.5, 7.0), 1.0, (0.0, 1.2)),
    "worsens": Trajectory("worsens", (4.0, 5.0), 1.6, (-0.5, 0.8)),
}


def slots_over_by(clock: tuple[int, int]) -> int:
    """How many of TODAYS_SLOTS have ended by the local wall-clock `clock` (hour, minute)."""
    now = clock[0] * 60 + clock[1]
    return sum(1 for hour, minute in TODAYS_SLOTS if hour * 60 + minute + TODAYS_MINUTES <= now)


def _clip(value: float) -> int:
    return max(0, min(10, round(value)))


def _aware(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def _ratings(
    rng: random.Random, trajectory: Trajectory, progress: float, start: float
) -> dict[str, int]:
    pre_suds = start * (1 + (trajectory.end_fraction - 1) * progress) + rng.gauss(0, 0.8)
    drop = rng.uniform(*trajectory.within_session_drop)
    post_suds = pre_suds - drop + rng.gauss(0, 0.5)
    pre_tension = pre_suds + rng.gauss(0.5, 1.0)
    return {
        "pre_suds": _clip(pre_suds),
        "post_suds": _clip(post_suds),
        "pre_calm": _clip(10 - pre_suds + rng.gauss(0, 1.0)),
        "post_calm": _clip(10 - post_suds + rng.gauss(0, 1.0)),
        "pre_tension": _clip(pre_tension),
        "post_tension": _clip(pre_tension - drop * 1.1 + rng.gauss(0, 0.6)),
    }


def _note(rng: random.Random) -> dict[str, str]:
    return {
        "subjective": rng.choice(SUBJECTIVE),
        "objective": rng.choice(OBJECTIVE),
        "assessment": rng.choice(ASSESSMENT),
        "plan": rng.choice(PLAN),
    }


def _people(practice: Practice) -> tuple[User, list[User]]:
    password = make_password(DEMO_PASSWORD)  # hashed once: Argon2 is deliberately slow
    specs = [
        ("owner@demo.test", "Morwenna Quillfeather", Role.OWNER),
        ("practitioner@demo.test", "Tobias Fernhollow", Role.PRACTITIONER),
        ("practitioner2@demo.test", "Isadora Willowmere", Role.PRACTITIONER),
        ("practitioner3@demo.test", "Caspian Brackenridge", Role.PRACTITIONER),
        ("assistant@demo.test", "Pip Hazelwood", Role.ASSISTANT),
    ]
    users = []
    for email, name, role in specs:
        user = User.objects.create(email=email, full_name=name, password=password)
        Membership.objects.create(user=user, practice=practice, role=role)
        users.append(user)
    return users[0], users[1:4]


@transaction.atomic
def seed_demo(
    today: date | None = None,
    log: Callable[[str], None] = print,
    clock: tuple[int, int] | None = None,
) -> Practice | None:
    """Create the demo practice, or do nothing if it exists. Returns it when created.

    The history is anchored to `today` (the practice's local date by default) so that the
    dashboard always has today's sessions. `clock` (hour, minute) is the local time the demo
    is made at, which decides which of today's slots were held (TODAYS_SLOTS): the time now
    by default, midday for a given `today`. Given the same date and clock, the data are
    identical.
    """
    if Practice.objects.filter(is_demo=True).exists():
        log("The demo practice is already there; nothing was added.")
        return None
    zone = ZoneInfo(DEMO_TIME_ZONE)
    if today is None:
        now = datetime.now(zone)
        today, clock = now.date(), clock or (now.hour, now.minute)
    clock = clock or MIDDAY
    rng = random.Random(DEMO_SEED)

    practice = Practice.objects.create(
        name="Stillwater Somatic Practice (demo)",
        time_zone=DEMO_TIME_ZONE,
        crisis_resources=CRISIS_RESOURCES,
        safety_protocol=SAFETY_PROTOCOL,
        is_demo=True,
    )
    owner, practitioners = _people(practice)
    actors = {
        m.user_id: Actor.staff(m)
        for m in Membership.objects.filter(practice=practice).select_related("user")
    }
    consent = ConsentForm.objects.create(
        practice=practice,
        version=1,
        title="Consent to somatic bodywork",
        body=DEMO_CONSENT,
        created_by=owner,
        created_at=_aware(today - timedelta(days=DEMO_DAYS + 30), 9, 0, zone),
    )
    tags = [Tag.objects.create(practice=practice, name=name) for name in TAGS]
    techniques = list(Technique.objects.filter(practice__isnull=True))

    names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    kinds = ["improves"] * 30 + ["improves_slowly"] * 12 + ["no_change"] * 16 + ["worsens"]
    kinds.insert(7, "on_hold")
    rng.shuffle(kinds)
    # Fixed roles for the clients the demo is meant to show.
    alert_index = next(i for i, kind in enumerate(kinds) if kind == "no_change")
    no_consent_index = next(
        i for i, kind in enumerate(kinds) if kind == "improves" and i > alert_index
    )

    sessions: list[Session] = []
    session_techniques: list[list[Technique]] = []
    session_notes: list[dict[str, str]] = []
    for index, kind in enumerate(kinds):
        first, last = names[index]
        practitioner = practitioners[ASSIGNMENT[index % len(ASSIGNMENT)]]
        if kind == "on_hold" or index == alert_index:
            practitioner = practitioners[0]  # so that the practitioner login shows both
        first_day = today - timedelta(days=rng.randint(40, DEMO_DAYS))
        created = _aware(first_day - timedelta(days=7), 10, 0, zone)
        client = Client.objects.create(
            practice=practice,
            name=f"{first} {last}",
            preferred_name=first if rng.random() < 0.3 else "",
            pronouns=rng.choice(PRONOUNS),
            date_of_birth=date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            email=f"{first.lower()}.{last.lower()}@example.invalid",
            phone=f"07700 900{rng.randint(100, 999)}",
            emergency_contact_name=f"{rng.choice(FIRST_NAMES)} {last}",
            emergency_contact_relationship=rng.choice(["partner", "sibling", "parent", "friend"]),
            emergency_contact_phone=f"07700 900{rng.randint(100, 999)}",
            assigned_practitioner=practitioner,
            created_at=created,
        )
        client.tags.set(rng.sample(tags, rng.choice([0, 0, 1, 1, 2])))
        screen = {item.code: False for item in SCREEN_ITEMS}
        if kind == "on_hold":
            screen["stroke_6_months"] = True
        if index == alert_index:
            screen["suicidal_thoughts"] = True
        if rng.random() < 0.1:
            screen["acute_infection"] = True
        # Entered by the practitioner, through the same service as the intake page: a positive
        # screen holds the client or raises an alert exactly as it would there.
        answers = {
            "presenting_concerns": rng.choice(CONCERNS),
            "goals": rng.choice(GOALS),
            "health_history": "No major illnesses reported."
            if rng.random() < 0.6
            else "Migraine; asthma (mild).",
            "medications": "None" if rng.random() < 0.6 else "Sertraline 50 mg",
            "previous_therapy": rng.choice(
                ["None", "Massage", "Counselling (2019)", "Physiotherapy"]
            ),
        }
        outcome = save_intake(actors[practitioner.pk], client, answers, screen)
        Intake.objects.filter(pk=outcome.intake.pk).update(completed_at=created)
        if index == no_consent_index:
            without_consent = client
        else:
            ConsentRecord.objects.create(
                client=client,
                form=consent,
                signed_name=client.name,
                signed_at=created,
                recorded_by=practitioner,
            )
        if kind == "on_hold":
            continue

        trajectory = TRAJECTORIES[kind]
        interval = rng.choice([7, 10, 14, 14, 21])
        days = list(range(0, (today - first_day).days, interval))
        discharged = kind == "improves" and rng.random() < 0.25 and len(days) > 12
        if discharged:
            days = days[: rng.randint(10, len(days) - 1)]
            client.status = Status.DISCHARGED
            client.save(update_fields=["status"])
        start = rng.uniform(*trajectory.start_suds)
        for number, offset in enumerate(days):
            day = first_day + timedelta(days=offset)
            progress = 1 - math.exp(-3 * number / max(len(days), 8))
            starts_at = _aware(
                day, rng.choice([9, 10, 11, 13, 14, 15, 16, 17]), rng.choice([0, 30]), zone
            )
            signed = day < today - timedelta(days=2)
            sessions.append(
                Session(
                    practice=practice,
                    client=client,
                    practitioner=practitioner,
                    starts_at=starts_at,
                    duration_minutes=rng.choice([50, 60, 60, 75]),
                    **_ratings(rng, trajectory, progress, start),
                    signed_at=starts_at + timedelta(hours=3) if signed else None,
                    signed_by=practitioner if signed else None,
                    created_at=starts_at,
                )
            )
            session_notes.append(_note(rng))
            session_techniques.append(rng.sample(techniques, rng.randint(1, 3)))

    # Today's schedule for the main practitioner: the sessions already over (held, the note
    # still to sign), and the clients still to come, who have an appointment only (the
    # calendar's demo books them; a session is made when the appointment is started).
    todays_clients = list(
        Client.objects.filter(
            practice=practice,
            assigned_practitioner=practitioners[0],
            hold_since__isnull=True,
            status=Status.ACTIVE,
        ).exclude(pk=without_consent.pk)[:4]
    )
    held = slots_over_by(clock)
    for client, (hour, minute) in zip(todays_clients, TODAYS_SLOTS[:held], strict=False):
        starts_at = _aware(today, hour, minute, zone)
        trajectory = TRAJECTORIES["improves_slowly"]
        sessions.append(
            Session(
                practice=practice,
                client=client,
                practitioner=practitioners[0],
                starts_at=starts_at,
                duration_minutes=TODAYS_MINUTES,
                **_ratings(rng, trajectory, 0.5, 6.0),
                started_at=starts_at,
                ended_at=starts_at + timedelta(minutes=TODAYS_MINUTES),
                created_at=starts_at,
            )
        )
        session_notes.append(_note(rng))
        session_techniques.append(rng.sample(techniques, 2))
    later_today = [
        (client, _aware(today, hour, minute, zone))
        for client, (hour, minute) in zip(todays_clients[held:], TODAYS_SLOTS[held:], strict=False)
    ]

    created_sessions = Session.objects.bulk_create(sessions, batch_size=500)
    Note.objects.bulk_create(
        [
            Note(session_id=session.pk, **text)
            for session, text in zip(created_sessions, session_notes, strict=True)
        ],
        batch_size=500,
    )
    Through = Session.techniques.through
    Through.objects.bulk_create(
        [
            Through(session_id=session.pk, technique_id=technique.pk)
            for session, chosen in zip(created_sessions, session_techniques, strict=True)
            for technique in chosen
        ],
        batch_size=1000,
    )
    # The client portal's demo account: a client of the main practitioner with intake done and
    # consent signed. The apps' demo data below find it by its user, client@demo.test.
    portal_client = todays_clients[0]
    portal_user = User.objects.create(
        email=DEMO_CLIENT_EMAIL, full_name=portal_client.name, password=make_password(DEMO_PASSWORD)
    )
    ClientAccount.objects.create(user=portal_user, practice=practice, client=portal_client)
    # Each domain app adds its own demo data, in the order data flow through a session.
    for add_demo_data in (
        therapy_demo.seed,
        measures_demo.seed,
        bodymaps_demo.seed,
        physio_demo.seed,
        journal_demo.seed,
    ):
        add_demo_data(practice, today, log)
    # The calendar: appointment types, hours, today's and a week ahead of weekly clients.
    scheduling_demo.seed(practice, today, log, later_today=later_today)
    # Billing: invoices for the past week's appointments, paid, part-paid and open.
    billing_demo.seed(practice, today, log)
    # ... with a questionnaire waiting in their portal.
    if not Administration.objects.filter(client=portal_client, status="pending").exists():
        Administration.objects.create(
            client=portal_client,
            instrument="GAD7",
            version=instruments.GAD7.version,
            assigned_by=portal_client.assigned_practitioner,
            due=today,
        )
    # Home practice and shared progress for the demo client's portal account (after it exists).
    homework_demo.seed(practice, today, log)
    log(
        f"Demo practice created: {len(kinds)} clients, {len(created_sessions)} sessions "
        f"over {DEMO_DAYS} days."
    )
    return practice


def scale_name(n_clients: int) -> str:
    return f"Scale practice ({n_clients:,} clients)"


def scale_practice(n_clients: int, sessions_per_client: int = 50) -> Practice | None:
    """A scale practice seed_scale made before with these numbers, for benchmarks that keep
    their database between runs (None: seed one)."""
    for practice in Practice.objects.filter(name=scale_name(n_clients)).order_by("-pk"):
        if Session.objects.filter(practice=practice).count() >= n_clients * sessions_per_client:
            return practice
    return None


def seed_scale(
    n_clients: int, sessions_per_client: int = 50, seed: int = 1, log: Callable[[str], None] = print
) -> Practice:
    """A large practice for benchmarks: bulk inserts, no notes worth reading, no passwords."""
    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        practice = Practice.objects.create(name=scale_name(n_clients))
        tag = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=8))
        n_practitioners = max(3, n_clients // 200)
        users = User.objects.bulk_create(
            [
                User(
                    email=f"scale-{tag}-{i}@scale.invalid",
                    full_name=f"Scale Practitioner {i}",
                    password=UNUSABLE_PASSWORD,
                )
                for i in range(n_practitioners + 1)
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user=user, practice=practice, role=Role.OWNER if i == 0 else Role.PRACTITIONER
                )
                for i, user in enumerate(users)
            ]
        )
        practitioners = users[1:]
        now = datetime.now(ZoneInfo("UTC"))
        clients = Client.objects.bulk_create(
            [
                Client(
                    practice=practice,
                    name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {i}",
                    assigned_practitioner=practitioners[i % len(practitioners)],
                    created_at=now,
                )
                for i in range(n_clients)
            ],
            batch_size=2000,
        )
        total = 0
        batch: list[Session] = []
        for client in clients:
            for k in range(sessions_per_client):
                pre = rng.randint(2, 9)
                batch.append(
                    Session(
                        practice=practice,
                        client_id=client.pk,
                        practitioner_id=client.assigned_practitioner_id,
                        starts_at=now - timedelta(days=7 * (sessions_per_client - k)),
                        pre_suds=pre,
                        post_suds=max(0, pre - rng.randint(0, 3)),
                        created_at=now,
                    )
                )
            if len(batch) >= 10_000:
                Session.objects.bulk_create(batch, batch_size=2000)
                total += len(batch)
                batch.clear()
        Session.objects.bulk_create(batch, batch_size=2000)
        total += len(batch)
    elapsed = time.perf_counter() - started
    log(f"Created {practice.name}: {n_clients:,} clients, {total:,} sessions in {elapsed:.1f} s.")
    return practice
