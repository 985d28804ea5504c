"""`somatrace check --deploy` warns while the public demo accounts can still sign in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register
from django.db import DatabaseError
from django.db.models import Q

from somatrace.accounts.models import User

REFUSAL = (
    "The demo accounts have a published password; adding them to a database "
    "that is not in debug mode would let anyone sign in. Use `make demo` (which sets "
    "SOMATRACE_DEBUG=1) on your own machine, or pass --i-know-demo-accounts-are-public if this "
    "really is a throwaway demonstration server."
)


def demo_seeding_refused() -> bool:
    """Whether adding the demo accounts needs the explicit flag: whenever DEBUG is off."""
    return not settings.DEBUG


@register(deploy=True)
def demo_accounts_present(**kwargs: Any) -> list[CheckMessage]:
    try:
        count = (
            User.objects.filter(is_active=True)
            .filter(
                Q(membership__practice__is_demo=True) | Q(client_account__practice__is_demo=True)
            )
            .count()
        )
    except DatabaseError:
        return []  # no database yet (or not migrated): nothing to warn about
    if not count:
        return []
    return [
        Warning(
            f"{count} demo account(s) with the published demo password can sign in.",
            hint=(
                "Remove the demo practice from this database (or start from a fresh one) "
                "before real clients are recorded; see docs/administrator.md, 'The demo'."
            ),
            id="somatrace.W001",
        )
    ]
