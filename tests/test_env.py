import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sigprojects.env import env_bool, env_database, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), (" on ", True), ("0", False), ("off", False)],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG") is expected


def test_env_bool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG", True) is True


@pytest.mark.parametrize("raw", ["maybe", "2", "tru", "ja"])
def test_env_bool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG")


def test_env_int_reads_numbers_and_refuses_words(monkeypatch):
    monkeypatch.setenv("SIZE", " 42 ")
    assert env_int("SIZE", 1) == 42
    monkeypatch.setenv("SIZE", "forty")
    with pytest.raises(ImproperlyConfigured, match="SIZE='forty' is not a whole number"):
        env_int("SIZE", 1)


def test_env_int_refuses_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("SIZE", "-1")
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env_int("SIZE", 1, minimum=0)


def test_env_list_splits_on_commas_and_refuses_empty_items(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example.dk, b.example.dk")
    assert env_list("HOSTS") == ["a.example.dk", "b.example.dk"]
    monkeypatch.setenv("HOSTS", "a.example.dk,,b.example.dk")
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env_list("HOSTS")


def test_env_database_reads_postgres_and_sqlite_urls(monkeypatch):
    monkeypatch.setenv("DB", "postgres://app:secret@db.example.dk:5433/sig")
    config = env_database("DB", "sqlite:///x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example.dk", 5433, "sig")
    monkeypatch.delenv("DB")
    assert env_database("DB", "sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"


@pytest.mark.parametrize(
    "raw", ["mysql://root@localhost/db", "not a url", "postgres://host:port/db", "postgres://h/"]
)
def test_env_database_refuses_malformed_or_unsupported_urls(monkeypatch, raw):
    monkeypatch.setenv("DB", raw)
    with pytest.raises(ImproperlyConfigured, match="DB"):
        env_database("DB", "sqlite:///x.sqlite3")


def _check_settings(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.DATABASES"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "sigprojects.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_require_a_secret_key_when_debug_is_off():
    result = _check_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_settings_start_with_debug_on_and_no_secret_key():
    assert _check_settings(DEBUG="1").returncode == 0


def test_settings_refuse_a_malformed_debug_flag():
    result = _check_settings(DEBUG="perhaps", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr


@pytest.mark.django_db
def test_postgresql_connections_compile_no_queries_just_in_time():
    """The settings turn PostgreSQL's JIT off for the application's connections."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
