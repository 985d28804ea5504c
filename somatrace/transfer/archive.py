"""The practice archive's manifest: what it holds, checked before anything is loaded.

Pure Python (no Django): the directory layout and the checks are the same for a whole
practice (`somatrace export practice`) and for one client (subject access).

    manifest.json            format, format_version, somatrace_version, exported_at,
                             source_vendor, scope, counts per model, every file's sha256
    data/<app>.<model>.jsonl one JSON object a line, Django's serialization (model, pk, fields)
    files/...                uploaded files, by their path under the data directory
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

FORMAT = "somatrace-practice"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 10_000_000


class ArchiveError(Exception):
    """An archive that cannot be read or loaded; the message says why, for an administrator."""


def sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def data_name(label: str) -> str:
    """The JSON Lines file of one model, e.g. data/clients.client.jsonl."""
    return f"data/{label}.jsonl"


def files_of(directory: Path) -> Iterator[str]:
    """Every file under directory but the manifest, as a POSIX path relative to it, sorted."""
    for path in sorted(directory.rglob("*")):
        name = path.relative_to(directory).as_posix()
        if path.is_file() and name != MANIFEST:
            yield name


def write_manifest(directory: Path, header: dict[str, Any]) -> dict[str, Any]:
    """Checksum every file in directory and write manifest.json beside them."""
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        **header,
        "files": {name: sha256(directory / name) for name in files_of(directory)},
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def safe_member(name: str) -> PurePosixPath:
    """A relative path that stays inside the archive (no absolute path, no `..`)."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ArchiveError(f"The manifest names a file outside the archive: {name!r}.")
    return path


def read_manifest(directory: Path, *, newest_release: tuple[int, ...]) -> dict[str, Any]:
    """The manifest, once the format, the version and every file's checksum are right."""
    path = directory / MANIFEST
    if not directory.is_dir():
        raise ArchiveError(f"{directory} is not a directory.")
    if not path.is_file():
        raise ArchiveError(f"{directory} holds no {MANIFEST}: not a Somatrace practice export.")
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise ArchiveError(f"{MANIFEST} is too large to be a Somatrace manifest.")
    try:
        manifest = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArchiveError(f"{MANIFEST} is not valid JSON.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(f"{MANIFEST} is not a {FORMAT} manifest.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            f"This export's format (version {manifest.get('format_version')}) is not one this "
            f"version of Somatrace reads ({FORMAT_VERSION})."
        )
    if version_tuple(str(manifest.get("somatrace_version", ""))) > newest_release:
        raise ArchiveError(
            f"This export was made by a newer Somatrace ({manifest.get('somatrace_version')}); "
            "upgrade this instance first."
        )
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise ArchiveError(f"{MANIFEST} lists no files.")
    listed = set()
    for name, digest in files.items():
        member = directory / safe_member(str(name))
        if not member.is_file():
            raise ArchiveError(f"{name} is listed in the manifest but missing.")
        if sha256(member) != digest:
            raise ArchiveError(f"{name} does not match its checksum: the export is damaged.")
        listed.add(str(name))
    extra = set(files_of(directory)) - listed
    if extra:
        raise ArchiveError(f"{sorted(extra)[0]} is in the directory but not in the manifest.")
    return manifest


def version_tuple(version: str) -> tuple[int, ...]:
    """'1.4.0' -> (1, 4, 0); anything after the numbers (a dev suffix) is ignored."""
    numbers = []
    for part in version.split("."):
        digits = "".join(c for c in part if c.isdigit()) if part[:1].isdigit() else ""
        if not digits:
            break
        numbers.append(int(digits))
        if not part.isdigit():
            break
    return tuple(numbers)
