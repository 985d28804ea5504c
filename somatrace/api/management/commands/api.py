"""`somatrace api token create|revoke|list`: personal access tokens for scripts.

    somatrace api token create --user EMAIL --scope clients:read --scope events:write [--days N]
    somatrace api token list --user EMAIL
    somatrace api token revoke ID

`create` prints the token once; only its SHA-256 is stored."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from somatrace.accounts.models import Membership
from somatrace.api import services
from somatrace.api.models import AccessToken
from somatrace.api.scopes import DEFAULT_DAYS, SCOPES
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError


def _membership(email: str) -> Membership:
    found = (
        Membership.objects.select_related("user", "practice")
        .filter(user__email__iexact=email.strip())
        .first()
    )
    if found is None:
        raise CommandError(f"No practice member with the email {email}.")
    return found


class Command(BaseCommand):
    help = "REST API tools: personal access tokens (token create | revoke | list)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        token = sub.add_parser("token", help="personal access tokens")
        actions = token.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="make a token and print it once")
        create.add_argument("--user", required=True, help="the member's email")
        create.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=sorted(SCOPES),
            help="repeat for each scope",
        )
        create.add_argument("--days", type=int, default=DEFAULT_DAYS)
        create.add_argument("--name", default="command line")
        listing = actions.add_parser("list", help="a member's tokens (never the tokens)")
        listing.add_argument("--user", required=True)
        revoke = actions.add_parser("revoke", help="stop a token at once")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            membership = _membership(options["user"])
            actor = Actor.command_line(membership.practice_id, "api token create")
            try:
                made = services.create_token(
                    actor,
                    membership,
                    name=options["name"],
                    scopes=options["scope"],
                    days=options["days"],
                )
            except RuleError as refusal:
                raise CommandError(str(refusal)) from None
            self.stderr.write(
                f"Token {made.token.pk} for {membership.user.email}, "
                f"expires {made.token.expires_at:%Y-%m-%d}. It is shown only now:"
            )
            self.stdout.write(made.secret)
        elif action == "list":
            membership = _membership(options["user"])
            for token in AccessToken.objects.filter(user=membership.user):
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                self.stdout.write(
                    f"{token.pk}\t{token.name}\t{token.status}\t"
                    f"expires {token.expires_at:%Y-%m-%d}\tlast used {used}\t"
                    f"{' '.join(token.scopes)}"
                )
        else:
            found = AccessToken.objects.filter(pk=options["id"]).first()
            if found is None:
                raise CommandError(f"No token with id {options['id']}.")
            actor = Actor.command_line(found.practice_id, "api token revoke")
            services.revoke_token(actor, found)
            self.stdout.write(f"Token {found.pk} revoked.")
