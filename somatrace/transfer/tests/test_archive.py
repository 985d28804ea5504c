"""The manifest is checked before anything is loaded: format, version, every checksum."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from somatrace.transfer.archive import ArchiveError, read_manifest, version_tuple, write_manifest

THIS = (1, 2, 0)


def export(tmp_path: Path, **header: object) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "clients.client.jsonl").write_text('{"model": "clients.client"}\n')
    write_manifest(tmp_path, {"somatrace_version": "1.2.0", **header})
    return tmp_path


def rewrite(directory: Path, **changes: object) -> None:
    path = directory / "manifest.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


def test_a_sound_export_lists_each_file_with_its_sha256(tmp_path: Path) -> None:
    manifest = read_manifest(export(tmp_path), newest_release=THIS)
    expected = hashlib.sha256(b'{"model": "clients.client"}\n').hexdigest()
    assert manifest["files"] == {"data/clients.client.jsonl": expected}
    assert (manifest["format"], manifest["format_version"]) == ("somatrace-practice", 1)


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"format_version": 2}, "format \\(version 2\\) is not one"),
        ({"format": "something-else"}, "not a somatrace-practice manifest"),
        ({"somatrace_version": "1.3.0"}, "made by a newer Somatrace"),
        ({"files": {"../etc/passwd": "0"}}, "outside the archive"),
        ({"files": {"data/missing.jsonl": "0"}}, "missing"),
    ],
)
def test_a_manifest_this_version_cannot_trust_is_refused(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    directory = export(tmp_path)
    rewrite(directory, **changes)
    with pytest.raises(ArchiveError, match=message):
        read_manifest(directory, newest_release=THIS)


def test_a_file_the_manifest_does_not_list_is_refused(tmp_path: Path) -> None:
    directory = export(tmp_path)
    (directory / "data" / "extra.jsonl").write_text("{}\n")
    with pytest.raises(ArchiveError, match="not in the manifest"):
        read_manifest(directory, newest_release=THIS)


def test_versions_compare_by_their_numbers() -> None:
    assert version_tuple("1.10.0") > version_tuple("1.9.3")
    assert version_tuple("0.4.0.dev3") == (0, 4, 0)
