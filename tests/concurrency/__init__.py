"""Concurrency races over real HTTP against the live test server (PostgreSQL only):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test SECRET_KEY=test-only-not-secret \
        SECURE_SSL_REDIRECT=0 .venv/bin/pytest tests/concurrency -q -p no:cacheprovider

The machinery is in `harness.py` (people, opened forms, races, reports) and `conftest.py`;
what each person types into a form is in `payloads.py`.
"""
