from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from somatrace.accounts.models import User, validate_time_zone
from somatrace.accounts.services import create_practice


class Command(BaseCommand):
    help = "Create a practice and its owner. Asks for what is missing unless --no-input is given."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", help="Practice name")
        parser.add_argument("--owner-email")
        parser.add_argument("--owner-name")
        parser.add_argument("--time-zone", default=None, help="e.g. Europe/London (default UTC)")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the owner's password from standard input instead of prompting.",
        )
        parser.add_argument("--no-input", action="store_true", help="Never prompt; fail instead.")

    def _ask(
        self, label: str, value: str | None, interactive: bool, default: str | None = None
    ) -> str:
        if value:
            return value
        if not interactive:
            if default is not None:
                return default
            raise CommandError(f"{label} is required (see --help).")
        suffix = f" [{default}]" if default else ""
        answer = input(f"{label}{suffix}: ").strip()
        return answer or default or self._ask(label, None, interactive, default)

    def handle(self, *args: Any, **options: Any) -> None:
        interactive = not options["no_input"] and sys.stdin.isatty()
        name = self._ask("Practice name", options["name"], interactive)
        email = self._ask("Owner's email", options["owner_email"], interactive).lower()
        full_name = self._ask("Owner's full name", options["owner_name"], interactive)
        time_zone = self._ask("Time zone", options["time_zone"], interactive, default="UTC")
        try:
            validate_email(email)
            validate_time_zone(time_zone)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if User.objects.filter(email=email).exists():
            raise CommandError(f"An account with {email} already exists.")

        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        elif interactive:
            password = getpass.getpass("Owner's password: ")
            if password != getpass.getpass("Again: "):
                raise CommandError("The passwords did not match.")
        else:
            raise CommandError("Give the password with --password-stdin when not interactive.")
        candidate = User(email=email, full_name=full_name)
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        membership = create_practice(
            name=name,
            time_zone=time_zone,
            owner_email=email,
            owner_name=full_name,
            password=password,
            command="createpractice",
        )
        self.stdout.write(
            self.style.SUCCESS(f"Created {membership.practice.name} with owner {email}.")
        )
        self.stdout.write("Log in, then add your consent text under Practice → Consent text.")
