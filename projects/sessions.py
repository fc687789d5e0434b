"""Database sessions that treat a malformed session cookie as no session at all.

Django makes session keys of lowercase letters and digits; any other cookie value (a NUL
byte, say) would otherwise reach the database query and fail there with a server error."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def __init__(self, session_key=None):
        if session_key is not None and not (session_key.isascii() and session_key.isalnum()):
            session_key = None
        super().__init__(session_key)
