"""Who acts: built once at each door (view, portal, API, command, task) and handed to services.

Services take an Actor, never an HttpRequest, so that a rule (touch consent, the pacing
guard, note locking) holds the same whichever door a change comes through, and so that the
audit log always knows who acted, for which practice, through which channel and from where.

The actor also carries the one rule of what its holder may see (`client_scope`): every
`visible_to(actor)` query set in the project filters with it.
"""

from __future__ import annotations

import getpass
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q


class ActorKind(StrEnum):
    STAFF = "staff"  # a member of the practice: owner, practitioner or assistant
    CLIENT = "client"  # a client signed in to their own portal
    LINK = "link"  # whoever holds a secure link or a kiosk hand-over: one client's form
    SYSTEM = "system"  # background work the system does on its own
    CLI = "cli"  # someone at the server's command line


class Channel(StrEnum):
    WEB = "web"
    PORTAL = "portal"
    API = "api"
    CLI = "cli"
    WORKER = "worker"


class Role(StrEnum):
    """A staff member's role; the same values as accounts.Membership.role."""

    OWNER = "owner"
    PRACTITIONER = "practitioner"
    ASSISTANT = "assistant"


def token_reference(token: str) -> str:
    """A short, non-reversible stand-in for a secret token, for logs and the audit trail.

    The first 8 hex digits of the token's SHA-256: enough to find the link it belongs to
    (its stored hash starts with them), useless for opening it.
    """
    return hashlib.sha256(token.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    practice_id: int
    channel: Channel
    user: Any = None  # the staff member's User (STAFF); None otherwise
    role: str = ""  # STAFF only: a Role value
    sees_all_clients: bool = False  # STAFF practitioners the owner granted the whole practice
    client_id: int | None = None  # CLIENT and LINK: the one client they act for
    reference: str = ""  # who, when there is no user: "link:1a2b3c4d", "cli:root", a task name
    ip: str | None = None
    path: str = ""  # where the request went, with secrets removed (see core.redact)

    def __post_init__(self) -> None:
        if not self.practice_id:
            raise ValueError("An actor always acts for a practice.")
        if self.kind is ActorKind.STAFF and (self.user is None or self.role not in tuple(Role)):
            raise ValueError("A staff actor needs a user and a role.")
        if self.kind in (ActorKind.CLIENT, ActorKind.LINK) and self.client_id is None:
            raise ValueError("A client or link actor acts for one client.")

    # --- Who -------------------------------------------------------------------------------

    @classmethod
    def staff(
        cls,
        membership: Any,
        *,
        channel: Channel = Channel.WEB,
        ip: str | None = None,
        path: str = "",
    ) -> Actor:
        """A practice member, from their accounts.Membership (with its user)."""
        return cls(
            kind=ActorKind.STAFF,
            practice_id=membership.practice_id,
            channel=channel,
            user=membership.user,
            role=membership.role,
            sees_all_clients=membership.sees_all_clients,
            ip=ip,
            path=path,
        )

    @classmethod
    def portal_client(
        cls,
        *,
        practice_id: int,
        client_id: int,
        account_id: int,
        ip: str | None = None,
        path: str = "",
    ) -> Actor:
        """A client signed in to their own portal (accounts.ClientAccount). No staff user:
        the audit trail names them by their account, "client:<account id>"."""
        return cls(
            kind=ActorKind.CLIENT,
            practice_id=practice_id,
            channel=Channel.PORTAL,
            client_id=client_id,
            reference=f"client:{account_id}",
            ip=ip,
            path=path,
        )

    @classmethod
    def link_holder(
        cls,
        *,
        practice_id: int,
        client_id: int,
        reference: str,
        ip: str | None = None,
        path: str = "",
    ) -> Actor:
        """Whoever holds a secure link or the practice tablet handed over in kiosk mode."""
        return cls(
            kind=ActorKind.LINK,
            practice_id=practice_id,
            channel=Channel.WEB,
            client_id=client_id,
            reference=reference,
            ip=ip,
            path=path,
        )

    @classmethod
    def system(cls, practice_id: int, task: str, *, channel: Channel = Channel.WORKER) -> Actor:
        """Work the system does on its own (a background task)."""
        return cls(kind=ActorKind.SYSTEM, practice_id=practice_id, channel=channel, reference=task)

    @classmethod
    def command_line(cls, practice_id: int, command: str) -> Actor:
        """Someone running a `somatrace` command on the server, named by their login."""
        try:
            login = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry (some containers)
            login = "unknown"
        return cls(
            kind=ActorKind.CLI,
            practice_id=practice_id,
            channel=Channel.CLI,
            reference=f"{login}: {command}"[:80],
            path=command[:200],
        )

    # --- What they may do ------------------------------------------------------------------

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def is_staff_member(self) -> bool:
        return self.kind is ActorKind.STAFF

    @property
    def is_owner(self) -> bool:
        return self.kind is ActorKind.STAFF and self.role == Role.OWNER

    @property
    def sees_clinical_data(self) -> bool:
        """Assistants handle scheduling and contact details, never clinical records."""
        if self.kind is ActorKind.STAFF:
            return self.role in (Role.OWNER, Role.PRACTITIONER)
        return True  # within client_scope: one client's own records, or the whole practice

    @property
    def sees_whole_practice(self) -> bool:
        if self.kind is ActorKind.STAFF:
            return self.role in (Role.OWNER, Role.ASSISTANT) or self.sees_all_clients
        return self.kind in (ActorKind.SYSTEM, ActorKind.CLI)

    def require_clinical_staff(
        self, refusal: str = "Clinical records are written by practitioners and owners."
    ) -> None:
        """Services call this first when only an owner or a practitioner may act."""
        if not (self.is_staff_member and self.sees_clinical_data):
            raise PermissionDenied(refusal)

    def require_owner(self, refusal: str = "Only the practice owner can do this.") -> None:
        if not self.is_owner:
            raise PermissionDenied(refusal)

    def client_scope(self, prefix: str = "", *, clinical: bool = True) -> Q | None:
        """The one rule of which clients' records this actor may see, as a filter.

        prefix: the path from the queried model to its client ("" for clients themselves,
        "client__" for a client's records, "session__client__" for a session's).
        Returns None when the actor may see none at all.

        Owners see their whole practice; practitioners the clients assigned to them unless
        the owner granted the whole practice; assistants the practice's clients for contact
        and scheduling only (clinical=False), never clinical records. A client or a link
        holder sees one client. The system and the command line act for a whole practice.
        Nobody ever sees another practice's clients.
        """
        if clinical and not self.sees_clinical_data:
            return None
        scope = Q(**{f"{prefix}practice_id": self.practice_id})
        if self.client_id is not None:
            scope &= Q(**{f"{prefix}pk": self.client_id})
        elif not self.sees_whole_practice:
            scope &= Q(**{f"{prefix}assigned_practitioner_id": self.user_id})
        return scope

    def __str__(self) -> str:
        if self.user is not None:
            return str(self.user)
        return self.reference or self.kind.value
