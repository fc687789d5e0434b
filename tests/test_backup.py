"""A backup of the demo data restores to the same records: counts and content."""

import hashlib
import shutil
import sqlite3
import subprocess
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def _tables(cursor_execute) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row of every application table."""
    tables = [t for t in connection.introspection.table_names() if not t.startswith("django_")]
    result = {}
    for table in sorted(tables):
        if connection.vendor == "postgresql":
            # Let the server render each row as text, the same way on both databases.
            [(count, digest)] = cursor_execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                f' FROM "{table}" t'
            )
            result[table] = (count, digest)
        else:
            rows = cursor_execute(f'SELECT * FROM "{table}" ORDER BY 1')
            digest = hashlib.sha256(repr([tuple(map(str, row)) for row in rows]).encode())
            result[table] = (len(rows), digest.hexdigest())
    return result


def _live_tables():
    def execute(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    return _tables(execute)


def test_backup_and_restore_finds_every_record(tmp_path):
    call_command("seed_demo", "--today", "2026-11-01", stdout=StringIO())
    before = _live_tables()
    assert before["projects_project"][0] == 18 and before["projects_statusupdate"][0] > 100

    if connection.vendor == "sqlite":
        # Read back with the same type conversions Django uses for the live database.
        target = sqlite3.connect(
            tmp_path / "backup.sqlite3",
            detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES,
        )
        connection.ensure_connection()
        connection.connection.backup(target)

        def execute(sql):
            return target.execute(sql).fetchall()

        after = _tables(execute)
    else:
        pytest.importorskip("psycopg")
        if not shutil.which("pg_dump"):
            pytest.fail("pg_dump is needed to test PostgreSQL backups")
        after = _pg_dump_and_restore(tmp_path)
    assert after == before


def _pg_dump_and_restore(tmp_path):
    import psycopg

    settings = connection.settings_dict
    restored = f"{settings['NAME']}_restore_{date.today():%Y%m%d}"
    options = [
        "-h",
        settings["HOST"] or "127.0.0.1",
        "-p",
        str(settings["PORT"] or 5432),
        "-U",
        settings["USER"] or "postgres",
    ]
    dump = tmp_path / "backup.dump"
    subprocess.run(["pg_dump", *options, "-Fc", "-f", str(dump), settings["NAME"]], check=True)
    subprocess.run(["dropdb", *options, "--if-exists", restored], check=True)
    subprocess.run(["createdb", *options, restored], check=True)
    try:
        subprocess.run(
            ["pg_restore", *options, "--no-owner", "-d", restored, str(dump)], check=True
        )
        with psycopg.connect(
            host=options[1],
            port=options[3],
            user=options[5],
            dbname=restored,
            options="-c TimeZone=UTC",  # as Django reads the live database
        ) as restored_connection:

            def execute(sql):
                return restored_connection.execute(sql).fetchall()

            return _tables(execute)
    finally:
        subprocess.run(["dropdb", *options, "--if-exists", restored], check=True)
