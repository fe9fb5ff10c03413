"""The restore drill of docs/operations.md, automated for the database and uploads.

The test database is dumped with `pg_dump -Fc`, restored with `pg_restore` into
a new, empty database, and the upload folder is archived and unpacked
elsewhere; the restored pair must hold the same tickets, history and files.
"""

import subprocess
import tarfile
import uuid

import psycopg
import pytest
from django.db import connection

from attachments.models import Attachment
from attachments.storage import LocalStorage
from tickets.models import Comment, Ticket, TicketEvent

from .pgcluster import PG_BIN
from .world import build_world


def _pg(tool: str, *args):
    settings = connection.settings_dict
    server = [
        "-h",
        settings.get("HOST") or "127.0.0.1",
        "-p",
        str(settings.get("PORT") or 5432),
        "-U",
        settings.get("USER") or "postgres",
    ]
    env = {"PGPASSWORD": settings.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [str(PG_BIN / tool), *server, *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def restored_database():
    name = f"servicedesk_restore_{uuid.uuid4().hex[:8]}"
    yield name
    _pg("dropdb", "--if-exists", name)


@pytest.mark.django_db(transaction=True)
def test_dump_and_restore_keep_tickets_history_and_files(
    settings, tmp_path, restored_database
):
    uploads = tmp_path / "uploads"
    settings.STORAGE_BACKEND = "local"
    settings.LOCAL_UPLOAD_ROOT = uploads
    world = build_world()
    ticket = world.tickets["own"]
    events = TicketEvent.objects.filter(ticket=ticket).count()
    comments = Comment.objects.filter(ticket=ticket).count()

    # Back up: the database first, then the files (docs/operations.md).
    dump = tmp_path / "servicedesk.dump"
    _pg(
        "pg_dump",
        "-Fc",
        "--no-owner",
        "-d",
        connection.settings_dict["NAME"],
        "-f",
        str(dump),
    )
    archive = tmp_path / "uploads.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(uploads, arcname=".")

    # Restore into an empty database and a new folder.
    _pg("createdb", restored_database)
    _pg(
        "pg_restore",
        "--no-owner",
        "--exit-on-error",
        "-d",
        restored_database,
        str(dump),
    )
    restored_uploads = tmp_path / "restored-uploads"
    with tarfile.open(archive) as tar:
        tar.extractall(restored_uploads, filter="data")

    params = connection.get_connection_params()
    params["dbname"] = restored_database
    with psycopg.connect(**params) as restored, restored.cursor() as cursor:
        cursor.execute(
            f"SELECT title, version FROM {Ticket._meta.db_table} WHERE id = %s",
            [ticket.pk],
        )
        assert cursor.fetchone() == (ticket.title, ticket.version)
        cursor.execute(
            f"SELECT count(*) FROM {TicketEvent._meta.db_table} WHERE ticket_id = %s",
            [ticket.pk],
        )
        assert cursor.fetchone()[0] == events
        cursor.execute(
            f"SELECT count(*) FROM {Comment._meta.db_table} WHERE ticket_id = %s",
            [ticket.pk],
        )
        assert cursor.fetchone()[0] == comments
        cursor.execute(f"SELECT key, size FROM {Attachment._meta.db_table} ORDER BY id")
        attachments = cursor.fetchall()
    # Every file of the world (public and internal, on several tickets) came back.
    assert attachments == list(
        Attachment.objects.order_by("id").values_list("key", "size")
    )
    assert len(attachments) >= 3
    storage = LocalStorage(restored_uploads)
    for key, size in attachments:
        assert storage.object_size(key) == size
        assert storage.path(key).read_bytes() == (uploads / key).read_bytes()
