"""Figures computed from the whole portfolio, kept in this process for exactly as long as the
database holds the same data.

PostgreSQL describes the committed data a query sees by its snapshot (`pg_current_snapshot()`:
the oldest running transaction, the next transaction id and the ones still running). Two
equal snapshots see the same finished transactions and so the same rows: figures computed in
one snapshot are exact for every later request that finds the database in an equal one. Any
write anywhere ends a transaction and changes the snapshot, so nothing kept is ever older than
the last write, and no write has anything to update or invalidate: writers never meet on a
shared row. The figures are computed in a read-only REPEATABLE READ transaction, whose queries
all see the data of its first one: they are exact for the snapshot read first, whatever
commits while they are computed.

SQLite has no such snapshot, and a request inside a transaction of its own (a test wrapped in
one, for example) sees its own uncommitted writes, which no snapshot tells: both compute the
figures every time.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.utils import timezone, translation

_lock = threading.Lock()
_kept: dict[tuple, tuple[tuple, Any]] = {}

HIT, MISS, OFF = "hit", "miss", "off"


def _snapshot() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """A read-only transaction in which every query sees the data of its first one
    (REPEATABLE READ): figures computed in it are those of one snapshot, however many writes
    commit meanwhile. Set on psycopg's connection, as Django sets the isolation level from
    the database's OPTIONS, so that the transaction begins with its level (no query more)."""
    from psycopg import IsolationLevel

    connection.ensure_connection()
    raw = connection.connection
    level, read_only = raw.isolation_level, raw.read_only
    raw.isolation_level, raw.read_only = IsolationLevel.REPEATABLE_READ, True
    try:
        with transaction.atomic():
            yield
    finally:
        raw.isolation_level, raw.read_only = level, read_only


def kept(name: str, scope: str, compute: Callable[[], Any]) -> tuple[Any, str]:
    """`compute()`'s result and whether it was kept (HIT), computed now (MISS) or cannot be
    kept here (OFF). `scope` names whose figures they are: they must depend on nothing but
    the data, the language and the date, which are part of the key."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return compute(), OFF
    # One entry per figures and language: a new snapshot or a new day replaces it.
    key = (name, scope, translation.get_language())
    today = timezone.localdate()
    with _lock:
        found = _kept.get(key)
    if found is not None and found[0] == (_snapshot(), today):
        return found[1], HIT
    # Computed in one transaction that sees one snapshot throughout, read first: what is kept
    # is exact for that snapshot, even when a write commits while it is computed, and is used
    # only while the database is unchanged.
    with _one_snapshot():
        state = (_snapshot(), today)
        value = compute()
    with _lock:
        _kept[key] = (state, value)
    return value, MISS


def forget() -> None:
    """Drop everything kept (for tests)."""
    with _lock:
        _kept.clear()
