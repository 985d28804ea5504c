"""The REST API (django-ninja), versioned under /api/v1/, its schema at /api/openapi.json.

A door like the pages: a personal access token (Authorization: Bearer ...) becomes the
owner's Actor on the api channel; every read goes through visible_to(actor) and is audited,
every write through the same service as the web (therapy.services.add_event).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import field_validator

from somatrace.api import cursor, services
from somatrace.api.errors import ApiError, body
from somatrace.api.models import AccessToken
from somatrace.audit import services as audit
from somatrace.clients.models import Client
from somatrace.core import throttle
from somatrace.core.actor import Actor, Channel
from somatrace.core.client_address import client_ip
from somatrace.core.errors import RuleError
from somatrace.core.redact import safe_path
from somatrace.therapy import services as therapy
from somatrace.therapy.forms import EventForm
from somatrace.therapy.models import Session, TimelineEvent

MAX_LIMIT = 100
MAX_ID = 2**53  # ids beyond any the database holds are refused as input, not looked up
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


def rate_per_minute() -> int:
    return int(getattr(settings, "SOMATRACE_API_RATE_PER_MINUTE", 120))


class TokenAuth(HttpBearer):
    """A usable token: its owner's actor on the api channel, and one request counted
    against the token's rate limit."""

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        found = services.authenticate(token)
        if found is None:
            return None
        access, membership = found
        limit = throttle.Limit("api-token", str(access.pk), rate_per_minute(), timedelta(minutes=1))
        if throttle.check(limit) is not None:
            raise ApiError(429, "Too many requests for this token: wait a minute and try again.")
        request.actor = Actor.staff(  # type: ignore[attr-defined]
            membership, channel=Channel.API, ip=client_ip(request), path=safe_path(request.path)
        )
        return access


class PublicNames(NinjaAPI):
    def get_operation_url_name(self, operation: Any, router: Router) -> str | None:  # type: ignore[override]
        # API addresses answer with 401 and JSON, not the login page: the URL walk's page
        # checks do not apply, and somatrace/api/tests check who sees what instead.
        return None


api = PublicNames(
    title="Somatrace API",
    version="1",
    description="Read a practice's records and append to them, as the token's owner.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
    auth=TokenAuth(),
)


def _error(request: HttpRequest, status: int, message: str, code: str = "") -> HttpResponse:
    return api.create_response(request, body(status, message, code), status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error(request, exc.status, exc.message, exc.code)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "Send a valid token: Authorization: Bearer <token>.")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    where = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors})
    return _error(request, 400, f"Invalid input: {', '.join(w or 'body' for w in where)}.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, str(exc) or "Not allowed.")


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 413, "The request body is too large.")


@api.exception_handler(RuleError)
def _refused(request: HttpRequest, exc: RuleError) -> HttpResponse:
    return _error(request, 409, str(exc))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


# --- Schemas -----------------------------------------------------------------------------------


class ErrorDetail(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    error: ErrorDetail


def errors(*codes: int) -> dict[int, type[Schema]]:
    return {code: ErrorOut for code in (400, 401, 403, 429, *codes)}


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=40, description="next_cursor of a page")
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    since: datetime | None = Field(None, description="only from this time on (ISO 8601)")
    until: datetime | None = Field(None, description="only before this time (ISO 8601)")

    @field_validator("since", "until")
    @classmethod
    def in_range(cls, value: datetime | None) -> datetime | None:
        """In UTC (naive means UTC), between the years 2 and 9998 so that no database
        conversion overflows."""
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if not 2 <= value.year <= 9998:
            raise ValueError("a time between the years 2 and 9998")
        return value.astimezone(UTC)


class ClinicalOut(Schema):
    date_of_birth: str | None
    suds_window_low: int
    suds_window_high: int


class ClientOut(Schema):
    id: int
    name: str
    preferred_name: str
    pronouns: str
    email: str
    phone: str
    status: str
    assigned_practitioner_id: int
    created_at: datetime
    clinical: ClinicalOut | None = Field(description="null for assistants: contact only")


class ClientPage(Schema):
    items: list[ClientOut]
    next_cursor: str | None


class SessionOut(Schema):
    id: int
    client_id: RecordId
    practitioner_id: int
    starts_at: datetime
    duration_minutes: int
    state: str
    pre_suds: int | None
    post_suds: int | None
    pre_calm: int | None
    post_calm: int | None
    pre_tension: int | None
    post_tension: int | None
    signed_at: datetime | None


class SessionPage(Schema):
    items: list[SessionOut]
    next_cursor: str | None


class EventOut(Schema):
    id: int
    uuid: UUID
    kind: str
    code: str
    text: str
    region: str
    intensity: int | None
    suds: int | None
    at: datetime


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


class EventIn(Schema):
    uuid: UUID = Field(description="made by the caller: sending it again stores it once")
    kind: str = Field(max_length=12)
    at: datetime = Field(description="with a time zone, whole seconds")
    code: str = Field("", max_length=40)
    text: str = Field("", max_length=2000)
    region: str = Field("", max_length=40)
    intensity: int | None = Field(None, ge=1, le=5)
    suds: int | None = Field(None, ge=0, le=10)
    responds_to: UUID | None = None
    override_reason: str = Field("", max_length=2000)


class PostedOut(Schema):
    event: EventOut
    created: bool


# --- Helpers -----------------------------------------------------------------------------------


def actor_of(request: HttpRequest) -> Actor:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    return actor


def need(request: HttpRequest, scope: str) -> Actor:
    """The request's actor, when its token carries `scope`; else 403."""
    token: AccessToken = request.auth  # type: ignore[attr-defined]
    if scope not in token.scopes:
        raise ApiError(403, f"This token lacks the scope {scope}.", "missing_scope")
    return actor_of(request)


def page(records: QuerySet[Any], query: PageQuery, time_field: str) -> tuple[list[Any], str | None]:
    """One page in id order, after the cursor, within since/until."""
    if query.cursor:
        try:
            records = records.filter(pk__gt=cursor.decode(query.cursor))
        except cursor.BadCursor as bad:
            raise ApiError(400, str(bad)) from None
    if query.since:
        records = records.filter(**{f"{time_field}__gte": query.since})
    if query.until:
        records = records.filter(**{f"{time_field}__lt": query.until})
    rows = list(records.order_by("pk")[: query.limit + 1])
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return rows, cursor.encode(rows[-1].pk) if more else None


def client_json(client: Client, actor: Actor) -> dict[str, Any]:
    return {
        "id": client.pk,
        "name": client.name,
        "preferred_name": client.preferred_name,
        "pronouns": client.pronouns,
        "email": client.email,
        "phone": client.phone,
        "status": client.status,
        "assigned_practitioner_id": client.assigned_practitioner_id,
        "created_at": client.created_at,
        "clinical": {
            "date_of_birth": client.date_of_birth.isoformat() if client.date_of_birth else None,
            "suds_window_low": client.suds_window_low,
            "suds_window_high": client.suds_window_high,
        }
        if actor.sees_clinical_data
        else None,
    }


def session_json(session: Session) -> dict[str, Any]:
    return {
        "id": session.pk,
        "client_id": session.client_id,
        "practitioner_id": session.practitioner_id,
        "starts_at": session.starts_at,
        "duration_minutes": session.duration_minutes,
        "state": session.state,
        "pre_suds": session.pre_suds,
        "post_suds": session.post_suds,
        "pre_calm": session.pre_calm,
        "post_calm": session.post_calm,
        "pre_tension": session.pre_tension,
        "post_tension": session.post_tension,
        "signed_at": session.signed_at,
    }


def event_json(event: TimelineEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "uuid": event.client_uuid,
        "kind": event.kind,
        "code": event.code,
        "text": event.text,
        "region": event.region,
        "intensity": event.intensity,
        "suds": event.suds,
        "at": event.at,
    }


def client_for(actor: Actor, client_id: RecordId, *, clinical: bool) -> Client:
    client = Client.objects.visible_to(actor, clinical=clinical).filter(pk=client_id).first()
    if client is None:
        raise Http404
    return client


def session_for(actor: Actor, session_id: RecordId) -> Session:
    session = (
        Session.objects.visible_to(actor).select_related("client").filter(pk=session_id).first()
    )
    if session is None:
        raise Http404
    return session


# --- Resources ---------------------------------------------------------------------------------

v1 = Router()


@v1.get("/clients", response={200: ClientPage, **errors()}, summary="List clients")
def list_clients(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    actor = need(request, "clients:read")
    rows, next_cursor = page(Client.objects.visible_to(actor, clinical=False), query, "created_at")
    audit.listed(actor, "clients.client", [c.pk for c in rows])
    return {"items": [client_json(c, actor) for c in rows], "next_cursor": next_cursor}


@v1.get("/clients/{client_id}", response={200: ClientOut, **errors(404)}, summary="One client")
def get_client(request: HttpRequest, client_id: RecordId) -> dict[str, Any]:
    actor = need(request, "clients:read")
    client = client_for(actor, client_id, clinical=False)
    audit.read(actor, client)
    return client_json(client, actor)


@v1.get(
    "/clients/{client_id}/sessions",
    response={200: SessionPage, **errors(404)},
    summary="A client's sessions",
)
def list_sessions(
    request: HttpRequest, client_id: RecordId, query: Query[PageQuery]
) -> dict[str, Any]:
    actor = need(request, "sessions:read")
    client = client_for(actor, client_id, clinical=True)
    rows, next_cursor = page(
        Session.objects.visible_to(actor).filter(client=client), query, "starts_at"
    )
    audit.listed(actor, "therapy.session", [s.pk for s in rows], client_id=client.pk)
    return {"items": [session_json(s) for s in rows], "next_cursor": next_cursor}


@v1.get("/sessions/{session_id}", response={200: SessionOut, **errors(404)}, summary="One session")
def get_session(request: HttpRequest, session_id: RecordId) -> dict[str, Any]:
    actor = need(request, "sessions:read")
    session = session_for(actor, session_id)
    audit.read(actor, session)
    return session_json(session)


@v1.get(
    "/sessions/{session_id}/events",
    response={200: EventPage, **errors(404)},
    summary="A session's timeline",
)
def list_events(
    request: HttpRequest, session_id: RecordId, query: Query[PageQuery]
) -> dict[str, Any]:
    actor = need(request, "events:read")
    session = session_for(actor, session_id)
    rows, next_cursor = page(
        TimelineEvent.objects.visible_to(actor).filter(session=session), query, "at"
    )
    audit.listed(actor, "therapy.timelineevent", [e.pk for e in rows], client_id=session.client_id)
    return {"items": [event_json(e) for e in rows], "next_cursor": next_cursor}


@v1.post(
    "/sessions/{session_id}/events",
    response={200: PostedOut, 201: PostedOut, **errors(404, 409)},
    summary="Append one event to a session's timeline",
    description="The same rules as the live console: touch consent (409 when a technique "
    "on a region the client marked not welcome has no override_reason) and the pacing guard.",
)
def append_event(request: HttpRequest, session_id: RecordId, payload: EventIn) -> Status:
    actor = need(request, "events:write")
    session = session_for(actor, session_id)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    form = EventForm({k: str(v) for k, v in data.items()})
    if not form.is_valid():
        fields = ", ".join(sorted(form.errors))
        first = next(iter(form.errors.values()))[0]
        raise ApiError(400, f"Invalid event ({fields}): {first}")
    clean = form.cleaned_data
    new = therapy.NewEvent(
        uuid=clean["uuid"],
        kind=clean["kind"],
        at=clean["at"],
        code=clean.get("code") or "",
        text=clean.get("text") or "",
        region=clean.get("region") or "",
        intensity=clean.get("intensity"),
        suds=clean.get("suds"),
        responds_to=clean.get("responds_to"),
        override_reason=clean.get("override_reason") or "",
    )
    try:
        posted = therapy.add_event(actor, session, new)
    except therapy.InvalidEvent as invalid:
        raise ApiError(400, f"Invalid event ({invalid.field}): {invalid}") from None
    except therapy.TouchRefused as refusal:
        raise ApiError(409, str(refusal), "touch_not_welcome") from None
    status = 201 if posted.created else 200
    return Status(status, {"event": event_json(posted.event), "created": posted.created})
