"""`make backup` / `make restore`: into an empty database and empty folders, nothing missing."""

import hashlib
import sys
from pathlib import Path

import psycopg

from tests.production.stack import create_database, drop_database, server_database_url


def _order_with_documents(api) -> dict:
    orders = api.get(f"{api.base}/orders/", params={"limit": 100}, timeout=30).json()["results"]
    for brief in orders:
        order = api.get(f"{api.base}/orders/{brief['id']}/", timeout=30).json()
        if order.get("documents"):
            return order
    raise AssertionError("no demo order has a document")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_restores_into_an_empty_database_with_every_order_and_file(stack, api, tmp_path):
    order = _order_with_documents(api)
    for document in order["documents"]:
        url = document["url"]
        response = api.get(url if url.startswith("http") else f"{stack.url}{url}", timeout=60)
        assert response.status_code == 200, document
    backup = tmp_path / "backup"
    stack.manage("backup", "--output", str(backup))

    server_url = server_database_url()
    name, empty_url = create_database(server_url)
    restored_files = tmp_path / "restored"
    try:
        restored = stack.run(
            [sys.executable, "manage.py", "restore", str(backup)],
            env={
                **stack.environment,
                "DATABASE_URL": empty_url,
                "PRIVATE_MEDIA_ROOT": str(restored_files / "private"),
                "MEDIA_ROOT": str(restored_files / "media"),
            },
        )
        assert restored.returncode == 0, restored.stderr[-3000:]

        orders_query = "SELECT number, state, total FROM orders_order ORDER BY id"
        documents_query = "SELECT file FROM billing_document ORDER BY id"
        with psycopg.connect(empty_url) as conn:
            restored_orders = conn.execute(orders_query).fetchall()
            restored_documents = [row[0] for row in conn.execute(documents_query)]
        assert restored_orders == stack.sql(orders_query)
        assert restored_documents == [row[0] for row in stack.sql(documents_query)]
        assert restored_documents
        private = Path(stack.environment["PRIVATE_MEDIA_ROOT"])
        for path in restored_documents:
            assert _digest(restored_files / "private" / path) == _digest(private / path), path

        again = stack.run(
            [sys.executable, "manage.py", "restore", str(backup)],
            env={**stack.environment, "DATABASE_URL": empty_url},
        )
        assert again.returncode != 0
        assert "not empty" in again.stderr
    finally:
        drop_database(server_url, name)
