"""Measure the application at scale, with the Django admin and the framework floor as
reference points in the same run.

Seeds a PostgreSQL database (unless it already holds the projects), serves the app under
gunicorn with production settings, loads each page with wrk and prints a table of requests
per second and median / p95 latency, with ratios, the queries each page runs, the time and
memory of the full CSV export, and the budgets met or missed. Writes the same as JSON.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from projects.demo.seed import SYNTHETIC_MARK
from projects.models import Project

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "p50_ms": %f, "p95_ms": %f, "p99_ms": %f, '
    .. '"errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
"""

BUDGETS_TEXT = [
    "portfolio list >= 5x the requests/s of the Django admin project list",
    "dashboard median < 150 ms",
    "no page runs more than 15 queries",
    "CSV export of all projects < 3 s",
    "seeding 10,000 projects < 3 minutes",
]


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=10_000)
        parser.add_argument("--duration", type=int, default=10, help="Seconds per page.")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
        parser.add_argument("--output", default="bench-results/benchmark.json")
        parser.add_argument(
            "--reseed", action="store_true", help="Empty the database and seed it again."
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs against PostgreSQL: set DATABASE_URL.")
        if settings.DEBUG:
            raise CommandError("The benchmark measures production settings: set DEBUG=0.")
        self.options = options
        report = {
            "machine": _machine(),
            "settings": {
                "projects": options["projects"],
                "duration_s": options["duration"],
                "connections": options["connections"],
                "gunicorn_workers": options["workers"],
            },
        }
        call_command("migrate", verbosity=0)
        report["seed"] = self.seed(options["projects"], options["reseed"])
        call_command("collectstatic", interactive=False, verbosity=0)
        targets = self.targets()
        report["queries"] = self.count_queries(targets)
        port = _free_port()
        server = self.start_gunicorn(port)
        try:
            cookies = self.sessions()
            report["pages"] = {}
            for name, (url, who) in targets.items():
                connections = 2 if name == "csv_export" else options["connections"]
                self.stdout.write(f"  loading {name} ({url}) …")
                report["pages"][name] = _wrk(
                    f"http://127.0.0.1:{port}{url}",
                    cookies[who],
                    duration=options["duration"],
                    connections=connections,
                )
            report["csv_export"] = self.measure_export(port, cookies["reviewer"], server)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        report["ratios"] = _ratios(report["pages"])
        report["budgets"] = _budgets(report)
        self.print_report(report)
        path = Path(options["output"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2))
        self.stdout.write(f"\nWritten to {path}")
        if not all(budget["met"] for budget in report["budgets"]):
            raise CommandError("A budget was missed (see above).")

    def seed(self, count: int, reseed: bool) -> dict:
        existing = Project.objects.filter(title__contains=f"({SYNTHETIC_MARK} 7-").count()
        if existing >= count and not reseed:
            self.stdout.write(f"Reusing the {existing:,} synthetic projects already seeded.")
            return {"reused": True, "projects": existing}
        if reseed or existing:
            call_command("flush", interactive=False, verbosity=0)
        self.stdout.write(f"Seeding {count:,} synthetic projects …")
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--projects", str(count), "--seed", "7"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.monotonic() - started
        return {
            "reused": False,
            "projects": count,
            "seconds": round(seconds, 1),
            "output_tail": result.stdout.strip().splitlines()[-12],
        }

    def targets(self) -> dict[str, tuple[str, str]]:
        longest = (
            Project.objects.annotate(n=Count("status_updates")).order_by("-n").values("pk").first()
        )
        return {
            "health": ("/health/", "anonymous"),
            "admin_project_list": ("/admin/projects/project/", "admin"),
            "portfolio": ("/projects/", "reviewer"),
            "portfolio_filtered": (
                "/projects/?current_phase=trial&current_status=red&area=health&order=-updated",
                "reviewer",
            ),
            "portfolio_search": ("/projects/?q=journalisering", "reviewer"),
            "dashboard": ("/dashboard/", "reviewer"),
            "project_page_longest_timeline": (f"/projects/{longest['pk']}/", "reviewer"),
            "lessons_search": ("/lessons/?q=journaliseringen", "reviewer"),
            "csv_export": ("/projects/export.csv", "reviewer"),
        }

    def count_queries(self, targets) -> dict[str, int]:
        users = _users()
        counts = {}
        for name, (url, who) in targets.items():
            client = Client(headers={"X-Forwarded-Proto": "https"}, HTTP_HOST="127.0.0.1")
            if users.get(who):
                client.force_login(users[who])
            client.get(url)  # warm caches of the process, as a running server has them
            with CaptureQueriesContext(connection) as context:
                response = client.get(url)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            counts[name] = len(context.captured_queries)
        return counts

    def sessions(self) -> dict[str, str]:
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        cookies = {"anonymous": ""}
        for who, user in _users().items():
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            cookies[who] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
        return cookies

    def start_gunicorn(self, port: int) -> subprocess.Popen:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "sigprojects.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(self.options["workers"]),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]
        server = subprocess.Popen(command, cwd=settings.BASE_DIR, env=os.environ.copy())
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=1):
                    return server
            except OSError:
                time.sleep(0.2)
        server.kill()
        raise CommandError("gunicorn did not start")

    def measure_export(self, port: int, cookie: str, server) -> dict:
        """Time the full CSV export and watch the workers' peak memory while it runs."""
        workers = _children(server.pid)
        peak_before = max(_peak_rss_kb(pid) for pid in workers)
        timings, size = [], 0
        for _ in range(3):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/projects/export.csv",
                headers={"Cookie": cookie, "X-Forwarded-Proto": "https"},
            )
            started = time.monotonic()
            with urllib.request.urlopen(request, timeout=60) as response:
                body = response.read()
            timings.append(time.monotonic() - started)
            size = len(body)
            rows = body.count(b"\n") - 1
        peak_after = max(_peak_rss_kb(pid) for pid in workers)
        return {
            "seconds": [round(t, 2) for t in timings],
            "median_s": round(sorted(timings)[1], 2),
            "rows": rows,
            "megabytes": round(size / 1e6, 1),
            "worker_peak_rss_mb_before": round(peak_before / 1024, 1),
            "worker_peak_rss_mb_after": round(peak_after / 1024, 1),
        }

    def print_report(self, report):
        floor = report["pages"]["health"]["rps"]
        admin = report["pages"]["admin_project_list"]["rps"]
        self.stdout.write("")
        header = (
            f"{'page':32} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} {'queries':>8} "
            f"{'x admin':>8} {'% floor':>8}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name, page in report["pages"].items():
            self.stdout.write(
                f"{name:32} {page['rps']:8.1f} {page['p50_ms']:10.1f} {page['p95_ms']:8.1f} "
                f"{report['queries'][name]:8d} {page['rps'] / admin:8.2f} "
                f"{100 * page['rps'] / floor:7.1f}%"
            )
        export = report["csv_export"]
        self.stdout.write(
            f"\nCSV export of {export['rows']:,} projects ({export['megabytes']} MB): "
            f"median {export['median_s']} s; worker peak memory "
            f"{export['worker_peak_rss_mb_before']} MB before, "
            f"{export['worker_peak_rss_mb_after']} MB after three exports"
        )
        if not report["seed"]["reused"]:
            self.stdout.write(f"Seeding: {report['seed']['seconds']} s")
        self.stdout.write("\nBudgets:")
        for budget in report["budgets"]:
            mark = "met   " if budget["met"] else "MISSED"
            self.stdout.write(f"  [{mark}] {budget['budget']}: {budget['measured']}")


def _users():
    User = get_user_model()
    return {
        "reviewer": User.objects.get(username="ds-reviewer"),
        "admin": User.objects.get(username="ds-admin"),
    }


def _wrk(url: str, cookie: str, *, duration: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = [
        "wrk",
        "-t",
        "2",
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "--timeout",
        "30s",
        "-s",
        script.name,
        "-H",
        "X-Forwarded-Proto: https",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    result = json.loads(re.search(r"RESULT (\{.*\})", output).group(1))
    if result["errors"]:
        raise CommandError(f"{url}: {result['errors']} failed requests\n{output}")
    result["rps"] = round(result["requests"] / result["seconds"], 1)
    for key in ("p50_ms", "p95_ms", "p99_ms"):
        result[key] = round(result[key], 1)
    return result


def _ratios(pages) -> dict:
    admin, floor = pages["admin_project_list"]["rps"], pages["health"]["rps"]
    return {
        name: {
            "x_admin": round(page["rps"] / admin, 2),
            "share_of_floor": round(page["rps"] / floor, 3),
        }
        for name, page in pages.items()
    }


def _budgets(report) -> list[dict]:
    pages, queries = report["pages"], report["queries"]
    ratio = pages["portfolio"]["rps"] / pages["admin_project_list"]["rps"]
    worst = max(queries.items(), key=lambda item: item[1])
    checks = [
        (ratio >= 5, f"{ratio:.1f}x"),
        (pages["dashboard"]["p50_ms"] < 150, f"{pages['dashboard']['p50_ms']} ms"),
        (worst[1] <= 15, f"at most {worst[1]} ({worst[0]})"),
        (report["csv_export"]["median_s"] < 3, f"{report['csv_export']['median_s']} s"),
    ]
    if not report["seed"]["reused"]:
        checks.append((report["seed"]["seconds"] < 180, f"{report['seed']['seconds']} s"))
    return [
        {"budget": text, "met": met, "measured": measured}
        for text, (met, measured) in zip(BUDGETS_TEXT, checks, strict=False)
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    output = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in output.split()]


def _peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "postgresql": connection.cursor().connection.info.server_version,
    }
