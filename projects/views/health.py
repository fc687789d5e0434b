"""Readiness for load balancers.

Liveness (`projects.views.projects.health`, `/health/`) only says that the process answers,
so that a database outage does not get every app server restarted. Readiness
(`/health/ready/`) says whether this server can serve pages now: the database answers and
every migration is applied. A load balancer stops sending traffic on 503 and resumes on 200.
"""

import logging
from functools import wraps

from django.db import Error as DatabaseError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from projects.views.errors import RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)

# Migrations only ever get applied while the process runs, never undone, so one positive
# answer is kept for the life of the process; probes then cost one trivial query.
_migrations = {"all_applied": False}


def _unapplied_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _not_ready(reason: str) -> HttpResponse:
    response = HttpResponse(f"not ready: {reason}", status=503, content_type="text/plain")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def database_required(view):
    """For a page whose form cannot work without the database (the login): check the
    database before showing the form, so that during an outage the user reads "temporarily
    unavailable" (503, from the error handler) instead of typing a password in vain."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method in ("GET", "HEAD"):
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        return view(request, *args, **kwargs)

    return checked


@never_cache
@require_safe
def health_ready(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        if not _migrations["all_applied"]:
            unapplied = _unapplied_migrations()
            if unapplied:
                return _not_ready(f"{unapplied} unapplied migrations")
            _migrations["all_applied"] = True
    except DatabaseError as exc:
        # One line per failed probe: probes come every few seconds during an outage.
        logger.warning("Not ready, the database is unavailable: %s", str(exc).strip())
        return _not_ready("database unavailable")
    return HttpResponse("ready", content_type="text/plain")
