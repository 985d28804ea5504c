"""`somatrace reset-2fa EMAIL`: remove every second factor of one person, from the server's
command line. The way back in for an owner who lost their device and their recovery codes
(another member is reset by an owner from their page). Audited, as the login that ran it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from somatrace.accounts.models import Membership
from somatrace.accounts.services import reset_second_factors
from somatrace.core.actor import Actor


class Command(BaseCommand):
    help = "Remove every second factor (authenticator apps, passkeys, recovery codes) of EMAIL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The email address the person signs in with")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        membership = (
            Membership.objects.select_related("user", "practice").filter(user__email=email).first()
        )
        if membership is None:
            raise CommandError(f"No practice member signs in with {email}.")
        actor = Actor.command_line(membership.practice_id, "reset-2fa")
        removed = reset_second_factors(actor, membership)
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed {removed} second factor{'s' if removed != 1 else ''} of {email}. "
                "They sign in with their password"
                + (
                    " and must add a new second factor at once."
                    if membership.practice.require_two_factor
                    else "."
                )
            )
        )
