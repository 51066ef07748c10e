"""`make backup` / `make restore` on `make run`'s SQLite database (PostgreSQL's is in
tests/production/test_backup.py): into an empty file, every row and file back."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


def _manage(environment, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _environment(folder: Path) -> dict:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("TEST_DATABASE")}
    return {
        **inherited,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "MEDIA_ROOT": str(folder / "media"),
    }


def test_a_sqlite_backup_restores_into_an_empty_file_with_every_row_and_file(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup is checked in the SQLite run")
    (tmp_path / "source").mkdir()
    source = _environment(tmp_path / "source")
    assert _manage(source, "migrate", "--noinput").returncode == 0
    # The seven showcase orders are enough to compare (the six months cost 20 s more).
    assert _manage(source, "seed_demo", "--showcase-only").returncode == 0
    scan = tmp_path / "source" / "private" / "documents" / "2026" / "12" / "scan.pdf"
    scan.parent.mkdir(parents=True)
    scan.write_bytes(b"%PDF-1.4 signed")
    backup = tmp_path / "backup"

    made = _manage(source, "backup", "--output", str(backup))
    assert made.returncode == 0, made.stderr

    target = _environment(tmp_path / "target")
    (tmp_path / "target").mkdir()
    restored = _manage(target, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    query = "SELECT number, state, total FROM orders_order ORDER BY id"
    with sqlite3.connect(tmp_path / "source" / "db.sqlite3") as original:
        orders = original.execute(query).fetchall()
    with sqlite3.connect(tmp_path / "target" / "db.sqlite3") as copy:
        assert copy.execute(query).fetchall() == orders
    assert orders
    restored_scan = tmp_path / "target" / "private" / "documents" / "2026" / "12" / "scan.pdf"
    assert restored_scan.read_bytes() == b"%PDF-1.4 signed"

    again = _manage(target, "restore", str(backup))
    assert again.returncode != 0
    assert "not empty" in again.stderr
