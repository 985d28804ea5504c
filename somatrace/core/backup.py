"""Backups that hold everything a restore needs, optionally encrypted with age.

A backup is one tar archive (gzip-compressed):

    database/somatrace.sqlite3    SQLite's online backup: a consistent snapshot taken while
      or database/somatrace.pgdump  the server runs; on PostgreSQL `pg_dump --format=custom`
    files/uploads/...             recordings still waiting for the background worker
    files/media/...               uploaded files (MEDIA_ROOT)
    manifest.json                 format, Somatrace version, database vendor, applied
                                  migrations, and every file above with its size and SHA-256

Encrypted, the archive is a standard age file (https://age-encryption.org, through pyrage):
to a passphrase (scrypt) or to one or more public keys (X25519 `age1...` recipients), so the
server that makes backups need not hold the key that opens them. Either way `age -d` and
`tar -x` open it without Somatrace.

Memory: the archive is written to a private staging directory beside the data and encrypted
to a public key as a stream, so its size is bounded by disk, not memory. pyrage encrypts and
decrypts with a passphrase only in memory: a passphrase backup needs about twice its size in
RAM (fine for a few hundred MB; use a key pair beyond that).

Restoring checks everything before it touches the live data: the archive decrypts, every
file's checksum matches the manifest, the database is from the same vendor and from this
version of Somatrace or an older one. The database as it was is kept beside it first
(`somatrace.before-restore-<time>.sqlite3` or `.pgdump`, owner-only).
"""

from __future__ import annotations

import contextlib
import getpass
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

import pyrage
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from pyrage import passphrase as age_passphrase
from pyrage import x25519

FORMAT = "somatrace-backup"
FORMAT_VERSION = 1
AGE_MAGIC = b"age-encryption.org/v1\n"
AGE_ARMOR = b"-----BEGIN AGE ENCRYPTED FILE-----"
GZIP_MAGIC = b"\x1f\x8b"
SQLITE_MAGIC = b"SQLite format 3\x00"
CHUNK = 1024 * 1024
DATABASE_MEMBER = {
    "sqlite": "database/somatrace.sqlite3",
    "postgresql": "database/somatrace.pgdump",
}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for an administrator."""


# --- Keys and passphrases -----------------------------------------------------------------


@dataclass(frozen=True)
class Encryption:
    """How to encrypt a backup: to a passphrase, to public keys, or (neither) not at all."""

    passphrase: str | None = None
    recipients: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.passphrase is not None and self.recipients:
            raise BackupError("Encrypt to a passphrase or to public keys, not both.")
        if self.passphrase is not None and len(self.passphrase) < 12:
            raise BackupError("The passphrase must be at least 12 characters long.")

    @property
    def enabled(self) -> bool:
        return self.passphrase is not None or bool(self.recipients)


def read_recipients(lines: str, source: str) -> list[x25519.Recipient]:
    """age public keys (`age1...`), one a line; blank lines and # comments are skipped."""
    keys = []
    for number, line in enumerate(lines.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            keys.append(x25519.Recipient.from_str(line))
        except Exception as error:  # pyrage raises its own RecipientError or ValueError
            raise BackupError(
                f"{source}, line {number}: not an age public key (they start with age1)."
            ) from error
    return keys


def read_identities(path: Path) -> list[x25519.Identity]:
    """The age secret keys (`AGE-SECRET-KEY-1...`) in an identity file, as age-keygen writes."""
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise BackupError(f"The identity file {path} cannot be read.") from error
    identities = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("AGE-SECRET-KEY-"):
            try:
                identities.append(x25519.Identity.from_str(line))
            except Exception as error:
                raise BackupError(f"{path} holds a malformed age secret key.") from error
    if not identities:
        raise BackupError(f"{path} holds no age secret key (a line AGE-SECRET-KEY-1...).")
    return identities


def passphrase_from(file: Path | None, *, confirm: bool) -> str:
    """SOMATRACE_BACKUP_PASSPHRASE, else the first line of file, else asked at the terminal
    (twice when choosing one). Never from the command line, where `ps` would show it."""
    if value := os.environ.get("SOMATRACE_BACKUP_PASSPHRASE"):
        return value
    if file is not None:
        try:
            lines = file.read_text().splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise BackupError(f"The passphrase file {file} cannot be read.") from error
        if not lines or not lines[0]:
            raise BackupError(f"The passphrase file {file} is empty.")
        return lines[0]
    if not sys.stdin.isatty():
        raise BackupError(
            "A passphrase is needed: set SOMATRACE_BACKUP_PASSPHRASE or give --passphrase-file."
        )
    value = getpass.getpass("Backup passphrase: ")
    if confirm and getpass.getpass("Again: ") != value:
        raise BackupError("The two passphrases differ.")
    return value


# --- Owner-only files -----------------------------------------------------------------------


def create_private(path: Path) -> IO[bytes]:
    """Open a new file for writing, 0600 whatever the umask; refuse to overwrite."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise BackupError(f"{path} already exists; choose a new file name.") from error
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "wb")


@contextmanager
def staging(near: Path) -> Iterator[Path]:
    """A private (0700) scratch directory on the data directory's disk, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=".backup-", dir=near))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


# --- SQLite ---------------------------------------------------------------------------------


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy the live database at source to target (which must not exist), 0600. Returns bytes."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    create_private(target).close()
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
        # One self-contained file, with no -wal or -shm beside it.
        dst.execute("PRAGMA journal_mode=DELETE")
    dst.close()
    src.close()
    check_sqlite(target)
    os.chmod(target, 0o600)
    return target.stat().st_size


def check_sqlite(path: Path) -> None:
    """Refuse anything that is not an intact Somatrace database."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            (result,) = db.execute("PRAGMA integrity_check").fetchone()
            tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        db.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database ({error}).") from error
    if result != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {result}")
    if not {"django_migrations", "clients_client"} <= tables:
        raise BackupError(f"{path} is a SQLite database but not a Somatrace one.")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def restore_sqlite(backup: Path, live: Path) -> Path | None:
    """Replace the live database with backup's contents; the current one is kept beside it.

    Returns the path of the safety copy of the database as it was before the restore (None if
    there was no database yet).
    """
    check_sqlite(backup)
    safety_copy = None
    if live.exists():
        safety_copy = live.with_name(f"{live.stem}.before-restore-{_stamp()}{live.suffix}")
        backup_sqlite(live, safety_copy)
    if not live.exists():
        create_private(live).close()
    with sqlite3.connect(backup) as src, sqlite3.connect(live) as dst:
        src.backup(dst)
    dst.close()
    src.close()
    os.chmod(live, 0o600)
    return safety_copy


# --- PostgreSQL ----------------------------------------------------------------------------


def _pg_env(database: Any) -> dict[str, str]:
    """libpq's environment for Django's connection settings: no password on a command line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    options = database.get("OPTIONS") or {}
    values = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
    }
    env.update({k: str(v) for k, v in values.items() if v})
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed; install PostgreSQL's client programs.")
    return found


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    # A list of our own arguments, no shell: nothing here is parsed by a shell.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-500:]}")


def dump_postgresql(database: Any, target: Path) -> None:
    create_private(target).close()
    _run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}"],
        _pg_env(database),
        "pg_dump",
    )
    os.chmod(target, 0o600)


# Everything in the live schema goes, in the same transaction as the restore, so a backup
# from before a migration does not meet the tables that migration added.
PG_DROP_ALL = """
    SELECT format('DROP TABLE IF EXISTS %I.%I CASCADE;', schemaname, tablename)
      FROM pg_tables WHERE schemaname = current_schema()
    UNION ALL
    SELECT format('DROP SEQUENCE IF EXISTS %I.%I CASCADE;', sequence_schema, sequence_name)
      FROM information_schema.sequences WHERE sequence_schema = current_schema()
    UNION ALL
    SELECT format('DROP FUNCTION IF EXISTS %I.%I(%s) CASCADE;', n.nspname, p.proname,
                  pg_get_function_identity_arguments(p.oid))
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = current_schema()
"""


def restore_postgresql(database: Any, dump: Path) -> None:
    """Replace the database's contents with the dump's, in one transaction: if any statement
    fails, nothing changed."""
    env = _pg_env(database)
    with connection.cursor() as cursor:
        cursor.execute(PG_DROP_ALL)
        drops = [row[0] for row in cursor.fetchall()]
    connection.close()
    pg_restore, psql_tool = _tool("pg_restore"), _tool("psql")
    # Errors go to files, not pipes, so neither program can block on a full pipe.
    with tempfile.TemporaryFile() as restore_log, tempfile.TemporaryFile() as psql_log:
        restore = subprocess.Popen(  # noqa: S603 - our own arguments, no shell
            [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(dump)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=restore_log,
        )
        psql = subprocess.Popen(  # noqa: S603 - our own arguments, no shell
            [psql_tool, "--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_log,
        )
        assert restore.stdout is not None and psql.stdin is not None
        # One transaction, committed only once pg_restore has finished well: a failure of
        # either program leaves the database as it was.
        try:
            psql.stdin.write(b"BEGIN;\n" + "\n".join(drops).encode() + b"\n")
            shutil.copyfileobj(restore.stdout, psql.stdin, CHUNK)
            restore.stdout.close()
            end = b"COMMIT;\n" if restore.wait() == 0 else b"ROLLBACK;\n"
            psql.stdin.write(end)
        except BrokenPipeError:
            pass  # psql stopped at an error: reported below
        finally:
            restore.stdout.close()
            with contextlib.suppress(BrokenPipeError):
                psql.stdin.close()
        restore.wait()
        psql.wait()
        restore_log.seek(0)
        psql_log.seek(0)
        restore_error = restore_log.read().decode(errors="replace").strip()[-500:]
        psql_error = psql_log.read().decode(errors="replace").strip()[-500:]
    if psql.returncode != 0:
        raise BackupError(f"Restoring into PostgreSQL failed, nothing was changed: {psql_error}")
    if restore.returncode != 0:
        raise BackupError(f"pg_restore failed: {restore_error}")


# --- Writing a backup -----------------------------------------------------------------------


@dataclass
class Written:
    path: Path
    size: int
    files: int
    encrypted: str  # "passphrase", "public key", or ""


def file_roots() -> dict[str, Path]:
    """The folders whose files a restore needs, by their name inside the archive."""
    return {"uploads": settings.DATA_DIR / "uploads", "media": Path(settings.MEDIA_ROOT)}


def _migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


class _Hashing:
    """A reader that hashes what tarfile reads through it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def _add(archive: tarfile.TarFile, name: str, source: Path, listed: list[dict[str, Any]]) -> None:
    """Add one file, hashing it on the way; a file that vanished meanwhile is skipped (the
    worker finished with it, and its result is in the database)."""
    try:
        stream = source.open("rb")
    except FileNotFoundError:
        return
    with stream:
        size = os.fstat(stream.fileno()).st_size
        reader = _Hashing(stream)
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, 0o600, int(os.fstat(stream.fileno()).st_mtime)
        archive.addfile(info, reader)
        digest = reader.digest
    listed.append({"path": name, "size": size, "sha256": digest.hexdigest()})


def write_backup(target: Path, encryption: Encryption) -> Written:
    """Write the backup to target (which must not exist), owner-only."""
    target = target.absolute()
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    database = settings.DATABASES["default"]
    with staging(settings.DATA_DIR) as scratch:
        dump = scratch / PurePosixPath(DATABASE_MEMBER[vendor]).name
        if vendor == "sqlite":
            backup_sqlite(Path(database["NAME"]), dump)
        else:
            dump_postgresql(database, dump)
        listed: list[dict[str, Any]] = []
        # Written in the staging folder first: a backup that fails half way leaves nothing
        # at target that could pass for a backup.
        plain = scratch / "backup.tar.gz"
        with (
            create_private(plain) as out,
            # Level 6, not tarfile's 9: nearly as small, several times faster.
            gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6) as packed,
            tarfile.open(fileobj=packed, mode="w|") as archive,
        ):
            _add(archive, DATABASE_MEMBER[vendor], dump, listed)
            dump.unlink()
            for root_name, root in file_roots().items():
                if not root.is_dir():
                    continue
                for path in sorted(p for p in root.rglob("*") if p.is_file()):
                    relative = path.relative_to(root).as_posix()
                    _add(archive, f"files/{root_name}/{relative}", path, listed)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "somatrace_version": metadata.version("somatrace"),
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": {"vendor": vendor, "file": DATABASE_MEMBER[vendor]},
                "migrations": _migrations(),
                "files": listed,
            }
            body = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mode, info.mtime = len(body), 0o600, int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(body))
        if encryption.enabled:
            _encrypt(plain, target, encryption)
        else:
            create_private(target).close()
            shutil.move(plain, target)
    os.chmod(target, 0o600)
    kind = "passphrase" if encryption.passphrase is not None else "public key"
    return Written(
        target, target.stat().st_size, len(listed) - 1, kind if encryption.enabled else ""
    )


def _encrypt(plain: Path, target: Path, encryption: Encryption) -> None:
    try:
        with create_private(target) as out:
            if encryption.passphrase is not None:
                out.write(age_passphrase.encrypt(plain.read_bytes(), encryption.passphrase))
            else:
                recipients = read_recipients("\n".join(encryption.recipients), "--recipient")
                with plain.open("rb") as source:
                    pyrage.encrypt_io(source, out, recipients)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


# --- Reading a backup -----------------------------------------------------------------------


@dataclass
class Opened:
    """A backup decrypted and checked, unpacked in a private staging directory."""

    folder: Path
    manifest: dict[str, Any]
    database: Path
    files: dict[str, Path] = field(default_factory=dict)  # archive name -> unpacked file

    @property
    def vendor(self) -> str:
        return str(self.manifest["database"]["vendor"])


def encryption_of(path: Path) -> str:
    """How the file at path is encrypted: "passphrase", "public key", "" (not encrypted), or
    "sqlite" (a bare SQLite database, as `somatrace backup` wrote before it made archives)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except OSError as error:
        raise BackupError(f"{path} cannot be read.") from error
    if head.startswith(AGE_ARMOR):
        raise BackupError("This is an armored (text) age file: decrypt it with `age -d` first.")
    if head.startswith(AGE_MAGIC):
        stanza = head[len(AGE_MAGIC) :].split(b"\n", 1)[0]
        return "passphrase" if stanza.startswith(b"-> scrypt") else "public key"
    if head.startswith(GZIP_MAGIC):
        return ""
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    raise BackupError(f"{path} is not a Somatrace backup.")


def _decrypt(
    path: Path,
    into: Path,
    kind: str,
    identities: list[x25519.Identity],
    ask_passphrase: Callable[[], str],
) -> None:
    wrong = "wrong passphrase" if kind == "passphrase" else "wrong key"
    try:
        with create_private(into) as out:
            if kind == "passphrase":
                out.write(age_passphrase.decrypt(path.read_bytes(), ask_passphrase()))
            else:
                if not identities:
                    raise BackupError(
                        "This backup is encrypted to a public key: give the matching identity "
                        "file with --identity FILE."
                    )
                with path.open("rb") as source:
                    pyrage.decrypt_io(source, out, identities)
    except pyrage.DecryptError as error:
        raise BackupError(
            f"The backup could not be decrypted ({wrong}, or the file is damaged)."
        ) from error


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The archive holds an unsafe path ({name!r}); it was not restored.")
    if name != "manifest.json" and path.parts[0] not in {"database", "files"}:
        raise BackupError(f"The archive holds an unexpected file ({name!r}).")
    return path


def open_backup(
    path: Path,
    scratch: Path,
    identities: list[x25519.Identity],
    ask_passphrase: Callable[[], str],
) -> Opened:
    """Decrypt (if needed), unpack into scratch and check the manifest and every checksum."""
    kind = encryption_of(path)
    if kind == "sqlite":  # a backup from before archives: the database alone
        check_sqlite(path)
        legacy: dict[str, Any] = {"database": {"vendor": "sqlite"}, "files": [], "migrations": None}
        return Opened(scratch, legacy, path)
    archive_path = path
    if kind:
        archive_path = scratch / "backup.tar.gz"
        _decrypt(path, archive_path, kind, identities, ask_passphrase)
    unpacked = scratch / "unpacked"
    unpacked.mkdir(mode=0o700)
    hashes: dict[str, tuple[int, str]] = {}
    manifest: Any = None
    try:
        with tarfile.open(archive_path, mode="r|gz") as archive:
            for member in archive:
                name = _safe_member(member.name)
                if not member.isfile():
                    raise BackupError(f"The archive holds something other than a file ({name}).")
                source = archive.extractfile(member)
                assert source is not None
                if str(name) == "manifest.json":
                    manifest = json.loads(source.read(16 * 1024 * 1024))
                    continue
                target = unpacked / name
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with create_private(target) as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                hashes[str(name)] = (member.size, digest.hexdigest())
    except (tarfile.TarError, EOFError, OSError, json.JSONDecodeError) as error:
        raise BackupError("The backup archive is damaged or incomplete.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The archive has no Somatrace manifest: it is not a Somatrace backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"This backup's format (version {manifest.get('format_version')}) is not one this "
            f"version of Somatrace reads ({FORMAT_VERSION})."
        )
    expected = {f["path"]: (f["size"], f["sha256"]) for f in manifest.get("files", [])}
    if expected != hashes:
        bad = sorted(
            set(expected) ^ set(hashes) | {n for n in expected if expected[n] != hashes.get(n)}
        )
        raise BackupError(
            f"The backup does not match its manifest ({len(bad)} file(s) missing, extra or "
            "changed): it is damaged; nothing was restored."
        )
    database = unpacked / manifest["database"]["file"]
    files = {name: unpacked / name for name in hashes if name.startswith("files/")}
    return Opened(scratch, manifest, database, files)


# --- Restoring ----------------------------------------------------------------------------------


@dataclass
class Restored:
    safety_copy: Path | None
    files: int
    older: bool  # the backup predates some of this version's migrations: run migrate


def check_compatible(opened: Opened) -> bool:
    """Refuse a backup from the other database vendor or from a newer Somatrace. Returns
    whether migrations must run after the restore."""
    here = connection.vendor
    if opened.vendor != here:
        raise BackupError(
            f"This backup holds a {VENDOR_NAMES.get(opened.vendor, opened.vendor)} database; "
            f"this installation uses {VENDOR_NAMES.get(here, here)}. Restore it into an "
            f"installation on {VENDOR_NAMES.get(opened.vendor, opened.vendor)}; nothing was "
            "changed."
        )
    applied = opened.manifest.get("migrations")
    if applied is None:
        return True
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    theirs = {(app, name) for app, names in applied.items() for name in names}
    if theirs - known:
        raise BackupError(
            f"This backup was made by a newer Somatrace ({opened.manifest.get('somatrace_version')}"
            "): upgrade this installation first; nothing was changed."
        )
    return bool(known - theirs)


def restore_backup(opened: Opened) -> Restored:
    """Put the checked backup in place: the database first (its safety copy kept), then the
    files, into the folders they came from (a file of the same name is replaced; other files
    there are left alone)."""
    older = check_compatible(opened)
    database = settings.DATABASES["default"]
    if opened.vendor == "sqlite":
        connection.close()
        safety_copy = restore_sqlite(opened.database, Path(database["NAME"]))
    else:
        safety_copy = settings.DATA_DIR / f"somatrace.before-restore-{_stamp()}.pgdump"
        dump_postgresql(database, safety_copy)
        restore_postgresql(database, opened.database)
    roots = file_roots()
    for name, unpacked in opened.files.items():
        _, root_name, *rest = PurePosixPath(name).parts
        if root_name not in roots or not rest:
            continue
        target = roots[root_name].joinpath(*rest)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.move(unpacked, target)
        os.chmod(target, 0o600)
    return Restored(safety_copy, len(opened.files), older)
