"""A backup is a folder: the database dump and the files the database points at.

PostgreSQL is dumped with pg_dump's custom format (restored with pg_restore); the SQLite file
of `make run` is copied with SQLite's online backup. Private documents (PDFs, signed scans)
and public media go into tar archives beside it, and a manifest records the row count of
every table and every file, so a restore proves at once that it brought back everything.
"""

import json
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

DUMP_NAME = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ARCHIVES = {"private": "PRIVATE_MEDIA_ROOT", "media": "MEDIA_ROOT"}


class BackupError(Exception):
    pass


def _postgres_uri() -> str:
    params = connection.get_connection_params()
    user = params.get("user") or ""
    password = params.get("password") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = params.get("host") or "127.0.0.1"
    port = params.get("port") or 5432
    return f"postgresql://{credentials}{host}:{port}/{params['dbname']}"


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy
        }
    )


def _counts(cursor) -> dict[str, int]:
    """Rows of every model's table: what a restore must bring back, table by table."""
    counts = {}
    for table in _tables():
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - our own table names
        counts[table] = cursor.fetchone()[0]
    return counts


def _tables_with_rows() -> list[str]:
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        found = []
        for table in ("orders_order", "accounts_user"):
            if table in existing:
                cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')  # noqa: S608
                if cursor.fetchone():
                    found.append(table)
    return found


def _dump_postgres(path: Path) -> dict[str, int]:
    """pg_dump of the very snapshot the counts were taken in, while the app goes on writing."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _counts(cursor)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                f"--file={path}",
                f"--dbname={_postgres_uri()}",
            ]
        )
    return counts


def _dump_sqlite(path: Path) -> dict[str, int]:
    source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    copy = sqlite3.connect(path)
    with copy:
        source.backup(copy)
    source.close()
    counts = _counts(copy.cursor())
    copy.close()
    return counts


def _files(root: Path) -> list[str]:
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def backup_create(target: Path) -> dict:
    target.mkdir(parents=True, exist_ok=False)
    vendor = connection.vendor
    if vendor not in DUMP_NAME:
        raise BackupError(f"no backup for the {vendor} database")
    dump = _dump_postgres if vendor == "postgresql" else _dump_sqlite
    counts = dump(target / DUMP_NAME[vendor])
    files = {}
    for name, setting in ARCHIVES.items():
        root = Path(getattr(settings, setting))
        files[name] = _files(root)
        with tarfile.open(target / f"{name}.tar.gz", "w:gz") as archive:
            for relative in files[name]:
                archive.add(root / relative, arcname=relative)
    manifest = {
        "created_at": datetime.now(UTC).isoformat(),
        "database": vendor,
        "counts": counts,
        "files": files,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def backup_restore(source: Path) -> dict:
    """Into an empty database (migrated or not) and the configured file folders."""
    manifest = json.loads((source / "manifest.json").read_text())
    vendor = connection.vendor
    if manifest["database"] != vendor:
        raise BackupError(f"the backup is of {manifest['database']}, this database is {vendor}")
    if occupied := _tables_with_rows():
        raise BackupError(f"the database is not empty ({', '.join(occupied)} hold rows)")
    connection.close()
    if vendor == "postgresql":
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={_postgres_uri()}",
                str(source / DUMP_NAME[vendor]),
            ]
        )
    else:
        database = Path(settings.DATABASES["default"]["NAME"])
        # A write-ahead log left beside the old file would be replayed into the restored one.
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source / DUMP_NAME[vendor], database)
    for name, setting in ARCHIVES.items():
        root = Path(getattr(settings, setting))
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / f"{name}.tar.gz", "r:gz") as archive:
            archive.extractall(root, filter="data")
    with connection.cursor() as cursor:
        counts = _counts(cursor)
    if counts != manifest["counts"]:
        differ = {
            t: (counts.get(t), n) for t, n in manifest["counts"].items() if counts.get(t) != n
        }
        raise BackupError(f"restored row counts differ (restored, backed up): {differ}")
    missing = [
        f"{name}/{path}"
        for name, setting in ARCHIVES.items()
        for path in manifest["files"][name]
        if not (Path(getattr(settings, setting)) / path).is_file()
    ]
    if missing:
        raise BackupError(f"files missing after the restore: {', '.join(missing[:10])}")
    return manifest
