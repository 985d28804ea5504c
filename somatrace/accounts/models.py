"""Practices (tenants), the people who log in, and what each of them may do."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from somatrace.core.actor import Role as ActorRole


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Choose a time zone from the list, for example Europe/London.")


TIME_ZONE_CHOICES = sorted((tz, tz.replace("_", " ")) for tz in zoneinfo.available_timezones())


class Practice(models.Model):
    name = models.CharField(max_length=120)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        choices=TIME_ZONE_CHOICES,
        validators=[validate_time_zone],
        help_text="Times are stored in UTC and shown in this zone.",
    )
    crisis_resources = models.TextField(
        blank=True,
        max_length=4000,
        help_text="Shown with every safety alert and to a client who reports risk: "
        "local emergency number, crisis lines, how to reach the practice.",
    )
    safety_protocol = models.TextField(
        blank=True,
        max_length=4000,
        help_text="What a practitioner does when a safety alert is raised.",
    )
    require_two_factor = models.BooleanField(
        "Require two-factor sign-in for everyone",
        default=False,
        # Rows written by code that predates the column (older migrations) get False too.
        db_default=False,
        help_text="Everyone in the practice must add an authenticator app or a passkey "
        "before they can open anything else.",
    )
    # How long the practice keeps a client's records after the last contact. The default
    # follows the NHS Records Management Code of Practice (2023) for adult health records:
    # 8 years after the conclusion of treatment. Other countries differ (Germany, §630f BGB:
    # 10 years); the owner sets what their law asks.
    retention_years = models.PositiveSmallIntegerField(
        "Keep records for (years after the last contact)",
        default=8,
        db_default=8,
        help_text="Shown to you when a client asks for their records to be deleted. The law "
        "of your country may require you to keep health records for a set time.",
    )
    is_demo = models.BooleanField(
        default=False, help_text="The demo practice: the only place demo passwords exist."
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The practice's time zone: wall-clock times are shown and entered in it."""
        return zoneinfo.ZoneInfo(self.time_zone)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who logs in. People are identified by email; there are no usernames."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    if TYPE_CHECKING:
        membership: Membership

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    # The values are core.actor.Role's: the actor carries the role to every service.
    OWNER = ActorRole.OWNER.value, "Owner"
    PRACTITIONER = ActorRole.PRACTITIONER.value, "Practitioner"
    ASSISTANT = ActorRole.ASSISTANT.value, "Assistant"


class Membership(models.Model):
    """A user's place in their practice. Each user belongs to exactly one practice."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    sees_all_clients = models.BooleanField(
        default=False,
        help_text="A practitioner normally sees only the clients assigned to them; "
        "the owner can grant access to the whole practice.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    if TYPE_CHECKING:
        practice_id: int
        user_id: int

    class Meta:
        indexes = [models.Index(fields=["practice", "role"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.practice})"

    @property
    def can_hold_clients(self) -> bool:
        """Who may be a client's assigned practitioner."""
        return self.role in (Role.OWNER, Role.PRACTITIONER)


class ClientAccount(models.Model):
    """A client's own sign-in to their portal: a User with no Membership, tied to one client.

    A user is either staff (a Membership) or a client (a ClientAccount), never both: the
    services that create either refuse a user who already has the other.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="client_account")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="client_accounts")
    # By string: clients sit above accounts in the layers.
    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="portal_account"
    )
    created_at = models.DateTimeField(default=timezone.now)

    if TYPE_CHECKING:
        practice_id: int
        client_id: int
        user_id: int

    def __str__(self) -> str:
        return f"Portal account {self.pk}"


class PortalTokenPurpose(models.TextChoices):
    INVITATION = "invitation", "Invitation to the portal"
    SIGN_IN = "sign_in", "One-time sign-in link"


class PortalToken(models.Model):
    """A single-use secret sent to a client: an invitation to set up their portal account,
    or a one-time sign-in link. Only its SHA-256 is stored; it expires, and is used once."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=12, choices=PortalTokenPurpose.choices)
    email = models.EmailField(blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    if TYPE_CHECKING:
        practice_id: int
        client_id: int

    def __str__(self) -> str:
        return f"Portal token {self.pk}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
