"""Moving a whole practice: write it as documented files, and load them into an empty
instance. The format is in docs/exports.md and archive.py; the models in queries.PARTS.

Export streams each model's rows (`iterator()`) to its JSON Lines file, so memory stays
bounded whatever the practice's size. Import checks the manifest and every checksum first,
refuses an instance that already holds a practice, then loads everything in one transaction,
keeping ids, and resets PostgreSQL's sequences.
"""

from __future__ import annotations

import base64
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.jsonl import Serializer as JsonLinesSerializer
from django.db import connection, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.timezone import localtime

from somatrace.accounts.models import Practice
from somatrace.audit import services as audit
from somatrace.bodymaps import figures
from somatrace.bodymaps import render as draw
from somatrace.bodymaps.atlas import VIEW_LABELS
from somatrace.bodymaps.raster import views_of
from somatrace.bodymaps.services import painting_raster
from somatrace.core.actor import Actor
from somatrace.physio.services import UPLOADS_FOLDER, read_kept
from somatrace.transfer.archive import (
    ArchiveError,
    data_name,
    read_manifest,
    safe_member,
    version_tuple,
    write_manifest,
)
from somatrace.transfer.queries import (
    PARTS,
    Part,
    builtin_techniques,
    client_rows,
    practice_rows,
)

BATCH = 500  # rows fetched at a time while exporting
UPLOADS = "files/uploads"
MEDIA = "files/media"


class ExactSerializer(JsonLinesSerializer):
    """Django's JSON Lines, with times to the microsecond (Django's encoder keeps
    milliseconds only, and a moved practice must keep its order of events exactly)."""

    def handle_field(self, obj: models.Model, field: models.Field[Any, Any]) -> None:
        value = field.value_from_object(obj)
        if isinstance(value, datetime | time):
            self._current[field.name] = value.isoformat()  # type: ignore[attr-defined]
        else:
            super().handle_field(obj, field)


def _fields(part: Part) -> list[str]:
    meta = part.model._meta
    names = [f.name for f in meta.local_fields if not f.primary_key]
    names += [f.name for f in meta.local_many_to_many]
    return [name for name in names if name not in part.leave_out]


def write_rows(part: Part, rows: models.QuerySet[models.Model], target: Path) -> int:
    """Stream rows to a JSON Lines file, one object a line; returns how many."""
    target.parent.mkdir(parents=True, exist_ok=True)
    m2m = [f.name for f in part.model._meta.local_many_to_many if f.name not in part.leave_out]
    count = 0

    def counted() -> Iterable[models.Model]:
        nonlocal count
        for row in rows.prefetch_related(*m2m).iterator(chunk_size=BATCH):
            count += 1
            yield row

    with target.open("w", encoding="utf-8") as stream:
        ExactSerializer().serialize(counted(), stream=stream, fields=_fields(part))
    return count


def copy_files(part: Part, rows: models.QuerySet[models.Model], directory: Path) -> int:
    """The files a model's rows point to: uploads waiting for the worker, stored files."""
    copied = 0
    model = part.model
    if part.label == "physio.recording":
        for kept in rows.exclude(upload_path="").values_list("upload_path", flat=True):
            data = read_kept(kept)
            if data is not None:
                target = directory / UPLOADS / PurePosixPath(kept).name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                copied += 1
    file_fields = [f.name for f in model._meta.local_fields if isinstance(f, models.FileField)]
    for name in file_fields:
        for stored in rows.exclude(**{name: ""}).values_list(name, flat=True).iterator():
            target = directory / MEDIA / safe_member(str(stored))
            target.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(str(stored), "rb") as stored_file, target.open("wb") as out:
                shutil.copyfileobj(stored_file, out)
            copied += 1
    return copied


def _header(scope: dict[str, Any], counts: dict[str, int]) -> dict[str, Any]:
    return {
        "somatrace_version": metadata.version("somatrace"),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source_vendor": connection.vendor,
        "scope": scope,
        "models": [part.label for part in PARTS],
        "counts": counts,
    }


def export_practice(actor: Actor, practice: Practice, directory: Path) -> dict[str, Any]:
    """Write the practice to an empty (or new) directory; returns the manifest."""
    if directory.exists() and any(directory.iterdir()):
        raise ArchiveError(f"{directory} is not empty; choose a new directory.")
    if actor.practice_id != practice.pk:
        raise ArchiveError("An export is made by someone acting for its practice.")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Audited first, so the export's own row travels with it.
    audit.exported(actor, practice)
    counts: dict[str, int] = {}
    files = 0
    outermost = not connection.in_atomic_block
    with transaction.atomic():  # one consistent view of the practice on PostgreSQL
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for part in PARTS:
            rows = practice_rows(part, practice.pk)
            counts[part.label] = write_rows(part, rows, directory / data_name(part.label))
            files += copy_files(part, rows, directory)
    scope = {
        "kind": "practice",
        "practice_id": practice.pk,
        "practice_name": practice.name,
        "builtin_techniques": builtin_techniques(),
        "files_copied": files,
    }
    return write_manifest(directory, _header(scope, counts))


# --- Import ----------------------------------------------------------------------------------


def _check_target(manifest: dict[str, Any]) -> dict[int, int]:
    """Refuse a target that cannot take the export; the export's built-in technique ids mapped
    to this instance's (the same codes, numbered as this instance's migrations made them)."""
    if Practice.objects.exists():
        raise ArchiveError(
            "This instance already holds a practice: a practice is imported only into an "
            "empty instance (a new data directory or database, after `somatrace migrate`)."
        )
    theirs = manifest.get("scope", {}).get("builtin_techniques", {})
    ours = {code: int(pk) for pk, code in builtin_techniques().items()}
    missing = sorted(set(theirs.values()) - set(ours))
    if missing:
        raise ArchiveError(
            f"This instance lacks the built-in techniques {missing} the export uses; import "
            "into an instance of the same or a newer Somatrace, freshly migrated."
        )
    unknown = set(manifest.get("counts", {})) - {part.label for part in PARTS}
    if unknown:
        raise ArchiveError(f"The export holds records this Somatrace does not know: {unknown}.")
    if manifest.get("scope", {}).get("kind") != "practice":
        raise ArchiveError("This is not a whole-practice export (a subject-access archive?).")
    return {int(pk): ours[code] for pk, code in theirs.items()}


def _renumber_builtin_techniques(row: Any, renumber: dict[int, int]) -> None:
    """Point a row's links to built-in techniques at this instance's ids for the same codes."""
    for field in row.object._meta.get_fields():
        related = getattr(field, "related_model", None)
        if related is None or related._meta.label_lower != "therapy.technique":
            continue
        if field.many_to_many and field.concrete and row.m2m_data:
            linked = row.m2m_data.get(field.name, [])
            row.m2m_data[field.name] = [renumber.get(int(pk), int(pk)) for pk in linked]
        elif field.many_to_one:
            value = getattr(row.object, field.attname)
            if value is not None:
                setattr(row.object, field.attname, renumber.get(int(value), value))


def _load_part(part: Part, source: Path, renumber: dict[int, int]) -> int:
    """Insert a model's rows as they were, ids and dates kept (a raw save, as loaddata does:
    no auto_now, signals told it is raw), many-to-many links with them; links to built-in
    techniques follow this instance's numbering (renumber: export id -> ours)."""
    loaded = 0
    with source.open(encoding="utf-8") as stream:
        for line_number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                [row] = serializers.deserialize("jsonl", line)
            except Exception as error:
                raise ArchiveError(
                    f"{source.name}, line {line_number}: not a readable {part.label} record."
                ) from error
            if row.object._meta.label_lower != part.label:
                raise ArchiveError(f"{source.name}, line {line_number}: not a {part.label}.")
            _renumber_builtin_techniques(row, renumber)
            # force_insert: a plain INSERT, never the UPDATE a save with an id tries first
            # (the audit log refuses every UPDATE).
            row.save(force_insert=True)
            loaded += 1
    return loaded


def _restore_files(directory: Path, manifest: dict[str, Any]) -> int:
    restored = 0
    for name in manifest["files"]:
        member = safe_member(name)
        if name.startswith(UPLOADS + "/"):
            # Where physio.services.read_kept looks for it, whatever the storage.
            with (directory / member).open("rb") as source:
                default_storage.save(f"{UPLOADS_FOLDER}/{member.name}", source)
            restored += 1
        elif name.startswith(MEDIA + "/"):
            stored = member.relative_to(MEDIA).as_posix()
            with (directory / member).open("rb") as source:
                default_storage.save(stored, source)
            restored += 1
    return restored


def _reset_sequences() -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), [part.model for part in PARTS])
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def import_practice(
    directory: Path, actor_for: Callable[[int], Actor], *, log: Callable[[str], None]
) -> Practice:
    """Load an export into this empty instance; returns the practice, audited as created."""
    manifest = read_manifest(directory, newest_release=version_tuple(metadata.version("somatrace")))
    counts = manifest.get("counts", {})
    with transaction.atomic():
        renumber = _check_target(manifest)
        for part in PARTS:
            source = directory / data_name(part.label)
            if part.label not in counts:
                continue  # an older export, before this model existed
            loaded = _load_part(part, source, renumber)
            if loaded != counts[part.label]:
                raise ArchiveError(
                    f"{data_name(part.label)} holds {loaded} records, the manifest says "
                    f"{counts[part.label]}."
                )
            log(f"{part.label}: {loaded}")
        connection.check_constraints()
        _reset_sequences()
        practice = Practice.objects.get()
        audit.created(actor_for(practice.pk), practice, ["import"])
        files = _restore_files(directory, manifest)
    log(f"Restored {files} file(s).")
    return practice


def manifest_summary(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest.get("counts", {}), sort_keys=True)


# --- Subject access ------------------------------------------------------------------------


@dataclass
class Section:
    """One kind of record in the readable document, each row as (label, words) pairs."""

    title: str
    rows: list[tuple[str, list[tuple[str, str]], str]]  # heading, fields, body-map PNG (data URI)


def _words(row: models.Model, field: models.Field[Any, Any], people: dict[int, str]) -> str:
    value = getattr(row, field.attname)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(getattr(row, f"get_{field.name}_display")())
    if field.is_relation and field.related_model is not None:
        if field.related_model._meta.label_lower == "accounts.user":
            return people.get(value, f"a former staff member (no. {value})")
        return f"{field.related_model._meta.verbose_name} no. {value}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return localtime(value).strftime("%d %B %Y, %H:%M")
    if isinstance(value, bytes | memoryview):
        return f"{len(value)} bytes of recorded data (complete in the archive)"
    if isinstance(field, models.JSONField):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 2000 else text[:2000] + " … (complete in the archive)"
    return str(value)


def _body_map(painting: Any) -> str:
    grid = painting_raster(painting)
    overlays = figures.painting_overlays(grid, figures.display_scale(grid, painting.body_shape))
    views = views_of(painting.body_shape)
    image = draw.png(painting.body_shape, overlays, [VIEW_LABELS[v] for v in views], views)
    return "data:image/png;base64," + base64.b64encode(image).decode()


def _sections(client: Any, people: dict[int, str]) -> list[Section]:
    sections = []
    for part in PARTS:
        if not part.client:
            continue
        model = part.model
        shown = [
            f
            for f in model._meta.local_fields
            if not f.primary_key and f.name not in {"practice", "practice_id", "client"}
        ]
        many = [f for f in model._meta.local_many_to_many if f.name not in part.leave_out]
        rows = []
        found = client_rows(part, client.pk).prefetch_related(*(f.name for f in many))
        for row in found.iterator(chunk_size=BATCH):
            fields = [(str(f.verbose_name).capitalize(), _words(row, f, people)) for f in shown]
            fields += [
                (
                    str(f.verbose_name).capitalize(),
                    ", ".join(str(other) for other in getattr(row, f.name).all()) or "—",
                )
                for f in many
            ]
            image = _body_map(row) if part.label == "bodymaps.painting" else ""
            rows.append(
                (f"{str(model._meta.verbose_name).capitalize()} no. {row.pk}", fields, image)
            )
        sections.append(Section(str(model._meta.verbose_name_plural).capitalize(), rows))
    return sections


def subject_access(actor: Actor, client: Any, target: IO[bytes]) -> None:
    """Everything held about one client, as a ZIP: a readable document (record.html) and the
    machine-readable archive (manifest.json, data/*.jsonl, files/), audited as an export."""
    if not actor.sees_clinical_data or client.practice_id != actor.practice_id:
        raise PermissionDenied
    audit.exported(actor, client)
    people = dict(
        apps.get_model("accounts.user")
        ._base_manager.filter(membership__practice=client.practice_id)
        .values_list("pk", "full_name")
    )
    with tempfile.TemporaryDirectory(prefix="subject-access-") as scratch:
        folder = Path(scratch)
        counts = {}
        for part in PARTS:
            if part.client:
                rows = client_rows(part, client.pk)
                counts[part.label] = write_rows(part, rows, folder / data_name(part.label))
                copy_files(part, rows, folder)
        document = render_to_string(
            "transfer/subject_access.html",
            {
                "client": client,
                "practice": client.practice,
                "sections": _sections(client, people),
                "made_at": timezone.now(),
                "made_by": actor.user,
            },
        )
        (folder / "record.html").write_text(document, encoding="utf-8")
        scope = {"kind": "subject-access", "client_id": client.pk}
        write_manifest(folder, _header(scope, counts))
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(folder).as_posix())


def record_whole_database(command: str, action: str) -> int:
    """Say in every practice's audit trail that `somatrace backup` (EXPORT) or `restore`
    (UPDATE) ran: it held all of their records. Returns the rows written."""
    practice_ids = list(Practice.objects.order_by("pk").values_list("pk", flat=True))
    for practice_id in practice_ids:
        audit.whole_database(Actor.command_line(practice_id, command), action)
    return len(practice_ids)
