"""Measure the application as its users load it, at 1,000, 10,000 and 100,000 projects.

Each page kind is loaded with many distinct URLs (no URL twice in a run), built from the
page's own filters, sort orders and pages, while a coordinator saves a status update every
second through the forms. The Django admin's project list, loaded the same way in the same
run, is the reference. Each size lives in its own PostgreSQL database and is measured by
`run_at_size`: a process of its own with that database, its own gunicorn and wrk. Prints the
figures, the growth from size to size and the budgets met or missed; writes the same as JSON.
"""

import json
import math
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from projects.demo.seed import SYNTHETIC_MARK
from projects.models import Membership, Outcome, Project, Role
from tests.benchmark import workload
from tests.benchmark.load import run_wrk
from tests.benchmark.writer import Writer

SEED = 7
HEADLINE = "10k"
# label: (projects, suffix of the database name, seeded by `make bench` when missing)
SIZES = {
    "10k": (10_000, "", True),
    "1k": (1_000, "_1k", True),
    "100k": (100_000, "_100k", False),
}
REFERENCE = "admin_changelist"
QUERY_BUDGET = 15
P90_BUDGET_MS = 100
SINGLE_URL = {
    "health": ("/health/", "anonymous"),
    "portfolio": ("/projects/", "reviewer"),
    "dashboard": ("/dashboard/", "reviewer"),
}


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=float, default=10, help="Seconds per page kind.")
        parser.add_argument(
            "--growth-duration",
            type=float,
            default=5,
            help="Seconds per page kind at 1,000 and 100,000 projects.",
        )
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
        parser.add_argument("--urls", type=int, default=30_000, help="Distinct URLs per page.")
        parser.add_argument(
            "--sample", type=int, default=30, help="URLs per page whose queries are counted."
        )
        parser.add_argument("--sizes", default="10k,1k,100k", help="Sizes to measure, in order.")
        parser.add_argument(
            "--database-1k", help="Database of the 1,000 projects (default: DATABASE_URL's + _1k)."
        )
        parser.add_argument(
            "--database-100k",
            help="Database of the 100,000 projects (default: DATABASE_URL's + _100k).",
        )
        parser.add_argument("--output", default="bench-results/benchmark.json")
        parser.add_argument(
            "--reseed", action="store_true", help="Empty the databases and seed them again."
        )
        parser.add_argument(
            "--seed-only", metavar="SIZE", help="Create and seed the database of SIZE, then stop."
        )
        # The process `run_at_size` starts for one size.
        parser.add_argument("--size-run", help=argparse_hidden())
        parser.add_argument("--result-file", help=argparse_hidden())
        parser.add_argument("--seed-if-missing", action="store_true", help=argparse_hidden())

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs against PostgreSQL: set DATABASE_URL.")
        if settings.DEBUG:
            raise CommandError("The benchmark measures production settings: set DEBUG=0.")
        self.options = options
        if options["size_run"]:
            result = measure_here(self, options["size_run"], options)
            Path(options["result_file"]).write_text(json.dumps(result))
            return
        if options["seed_only"]:
            label = options["seed_only"]
            ensure_database(self.database_url(label))
            result = self.run_at_size(label, seed_only=True)
            self.stdout.write(json.dumps(result.get("seed", result)))
            return
        self.run_all()

    # -- the whole benchmark ---------------------------------------------------------------

    def run_all(self):
        options = self.options
        labels = [label.strip() for label in options["sizes"].split(",") if label.strip()]
        unknown = set(labels) - set(SIZES)
        if unknown:
            raise CommandError(f"Unknown sizes {sorted(unknown)}: choose from {list(SIZES)}.")
        for label in labels:
            if SIZES[label][2]:
                ensure_database(self.database_url(label))
        report = {
            "machine": _machine(),
            "settings": {
                "duration_s": options["duration"],
                "growth_duration_s": options["growth_duration"],
                "connections": options["connections"],
                "wrk_threads": options["threads"],
                "gunicorn_workers": options["workers"],
                "urls_per_page": options["urls"],
                "query_sample": options["sample"],
                "debug": settings.DEBUG,
                "seed": SEED,
            },
            "sizes": {},
        }
        call_command("collectstatic", interactive=False, verbosity=0)
        for label in labels:
            projects, _suffix, seeded_here = SIZES[label]
            url = self.database_url(label)
            if not seeded_here and not database_exists(url):
                report["sizes"][label] = {
                    "projects": projects,
                    "skipped": "not seeded: `make bench-100k-seed` seeds it",
                }
                continue
            self.stdout.write(f"\n== {projects:,} projects ({_name(url)}) ==")
            try:
                result = self.run_at_size(label)
            except CommandError as error:
                report["sizes"][label] = {"projects": projects, "failed": str(error)}
                continue
            if result["seed"].get("missing"):
                result["skipped"] = (
                    f"only {result['seed']['projects']:,} projects seeded: "
                    "`make bench-100k-seed` seeds it"
                )
            report["sizes"][label] = result
        report["growth"] = growth(report["sizes"])
        report["budgets"] = budgets(report)
        self.print_report(report)
        path = Path(options["output"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        self.stdout.write(f"\nWritten to {path}")
        if not all(budget["met"] for budget in report["budgets"]):
            raise CommandError("A budget was missed (see above).")

    def database_url(self, label: str) -> str:
        headline = settings.DATABASES["default"]
        override = self.options.get(f"database_{label}")
        if override:
            return override
        if label == HEADLINE and os.environ.get("DATABASE_URL"):
            return os.environ["DATABASE_URL"]
        parts = urlsplit(os.environ.get("DATABASE_URL", ""))
        name = headline["NAME"] + SIZES[label][1]
        return urlunsplit(parts._replace(path=f"/{name}"))

    def run_at_size(self, label: str, *, seed_only: bool = False) -> dict:
        """Everything measured at one size, in a process of its own on that size's database:
        seeding (when missing), the URLs, query counts, gunicorn, the writer, wrk."""
        options = self.options
        projects, _suffix, seeded_here = SIZES[label]
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            result_file = handle.name
        duration = options["duration"] if label == HEADLINE else options["growth_duration"]
        command = [
            sys.executable,
            "-m",
            "tests.benchmark",
            "--size-run",
            label,
            "--result-file",
            result_file,
            "--duration",
            str(0 if seed_only else duration),
            "--connections",
            str(options["connections"]),
            "--threads",
            str(options["threads"]),
            "--workers",
            str(options["workers"]),
            "--urls",
            str(options["urls"]),
            "--sample",
            str(options["sample"]),
        ]
        if options["reseed"]:
            command.append("--reseed")
        if seeded_here or seed_only:
            command.append("--seed-if-missing")
        env = {**os.environ, "DATABASE_URL": self.database_url(label)}
        self.stdout.flush()
        completed = subprocess.run(command, cwd=settings.BASE_DIR, env=env)
        try:
            if completed.returncode:
                raise CommandError(f"The run at {projects:,} projects failed.")
            return json.loads(Path(result_file).read_text())
        finally:
            Path(result_file).unlink(missing_ok=True)

    # -- the report ------------------------------------------------------------------------

    def print_report(self, report):
        write = self.stdout.write
        sizes = report["sizes"]
        measured = {label: size for label, size in sizes.items() if "pages" in size}
        headline = measured.get(HEADLINE) or next(iter(measured.values()), None)
        if headline is None:
            write("\nNothing was measured.")
            self.print_budgets(report)
            return
        write(
            f"\nMixed load at {headline['projects']:,} projects: distinct URLs per page kind, "
            f"{report['settings']['connections']} connections, "
            f"{report['settings']['gunicorn_workers']} gunicorn workers, "
            "a coordinator writing every second"
        )
        header = (
            f"{'page':22} {'URLs':>6} {'req/s':>7} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} "
            f"{'errors':>6} {'queries':>12} {'x admin':>7}"
        )
        write(header)
        write("-" * len(header))
        admin = headline["pages"][REFERENCE]["rps"] or math.nan
        for name, page in headline["pages"].items():
            counts = headline["queries"][name]
            queries = f"{counts['max']} {set_text(counts['distinct'])}"
            write(
                f"{name:22} {page['distinct_urls']:6d} {page['rps']:7.1f} {page['p50_ms']:7.1f} "
                f"{page['p90_ms']:7.1f} {page['p99_ms']:7.1f} {page['errors']:6d} "
                f"{queries:>12} {page['rps'] / admin:7.2f}"
            )
        for kind in headline["kinds"]:
            if kind["note"]:
                write(f"  {kind['name']}: {kind['note']}")
        if all("cpu" in page for page in headline["pages"].values()):
            write("\nCPU per request (ms) and the share of the cores busy, by page kind")
            parts = ("app", "database", "load generator", "benchmark and writer")
            header = f"{'page':22} " + " ".join(f"{part:>20}" for part in parts) + "  busy"
            write(header)
            write("-" * len(header))
            for name, page in headline["pages"].items():
                cells = " ".join(f"{page['cpu'][part]:20.2f}" for part in parts)
                write(f"{name:22} {cells}  {page['cpu']['cores_busy']:.0%}")
        repeats = sum(
            p["repeats"] for n, p in headline["pages"].items() if not _single(headline, n)
        )
        write(f"  URLs requested twice: {repeats}")
        write("  Cache: " + cache_text(headline["pages"]))
        if headline.get("single_url"):
            write("\nSingle URL repeated (measures caches, not the product)")
            for name, page in headline["single_url"].items():
                write(
                    f"  {name:12} {page['rps']:7.1f} req/s  p50 {page['p50_ms']:6.1f} ms  "
                    f"p90 {page['p90_ms']:6.1f} ms"
                )
        self.print_growth(report)
        write("")
        for label, size in sizes.items():
            if "writer" in size:
                writer = size["writer"]
                write(
                    f"Writer at {label} ({workload.PERSONAS['coordinator']}, status updates "
                    f"through the form): {writer['writes']} saved, {writer['failed']} failed, "
                    f"form and save p50 {writer['p50_ms']} ms, p90 {writer['p90_ms']} ms, "
                    f"max {writer['max_ms']} ms, over {writer['projects']} projects"
                )
        export = headline.get("csv_export")
        if export:
            write(
                f"CSV export of {export['rows']:,} projects ({export['megabytes']} MB): "
                f"median {export['median_s']} s; worker peak memory "
                f"{export['worker_peak_rss_mb_before']} MB before, "
                f"{export['worker_peak_rss_mb_after']} MB after three exports"
            )
        for size in sizes.values():
            seed = size.get("seed") or {}
            if seed and not seed.get("reused"):
                write(f"Seeding {seed['projects']:,} projects: {seed['seconds']} s")
        self.print_budgets(report)

    def print_budgets(self, report):
        write = self.stdout.write
        write("\nBudgets:")
        for budget in report["budgets"]:
            mark = "met   " if budget["met"] else "MISSED"
            write(f"  [{mark}] {budget['budget']}: {budget['measured']}")

    def print_growth(self, report):
        write = self.stdout.write
        sizes = report["sizes"]
        measured = [label for label in ("1k", "10k", "100k") if "pages" in sizes.get(label, {})]
        write("\nGrowth (mixed load; p50 ratio against the ratio of the logarithms)")
        header = f"{'page':22}" + "".join(
            f" {label + ' req/s':>11} {label + ' p50':>9} {label + ' q':>6}" for label in measured
        )
        ratios = report["growth"]["ratios"]
        header += "".join(f" {key:>16}" for key in ratios)
        write(header)
        write("-" * len(header))
        for name in report["growth"]["pages"]:
            line = f"{name:22}"
            for label in measured:
                page = sizes[label]["pages"][name]
                line += (
                    f" {page['rps']:11.1f} {page['p50_ms']:9.1f} "
                    f"{sizes[label]['queries'][name]['max']:6d}"
                )
            for ratio in ratios.values():
                value = ratio["pages"].get(name)
                line += f" {value['ratio']:7.2f} ({value['verdict']:>5})" if value else f" {'':>16}"
            write(line)
        for key, ratio in ratios.items():
            write(f"  {key}: log ratio {ratio['log_ratio']:.2f} (informative, not a budget)")
        for label, size in sizes.items():
            if "failed" in size:
                write(f"  {label}: FAILED ({size['failed']})")
            if "skipped" in size:
                write(f"  {label}: {size['skipped']}")


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


# -- one size, in its own process ---------------------------------------------------------


def measure_here(command: Command, label: str, options: dict) -> dict:
    """The run at one size against this process's database (see Command.run_at_size)."""
    out = command.stdout
    projects = SIZES[label][0]
    call_command("migrate", verbosity=0)
    seed = seed_database(
        out, projects, reseed=options["reseed"], allowed=options["seed_if_missing"]
    )
    result = {"projects": projects, "database": connection.settings_dict["NAME"], "seed": seed}
    if seed.get("missing") or not options["duration"]:
        return result
    started = time.monotonic()
    kinds = workload.page_kinds(options["urls"], seed=SEED)
    result["url_generation_s"] = round(time.monotonic() - started, 1)
    result["kinds"] = [
        {
            "name": kind.name,
            "persona": workload.PERSONAS[kind.persona],
            "urls": len(kind.paths),
            "single": kind.single,
            "note": kind.note,
            "options": kind.options,
            "examples": kind.paths[:3],
        }
        for kind in kinds
    ]
    out.write(f"  {sum(len(k.paths) for k in kinds):,} URLs in {result['url_generation_s']} s")
    result["queries"] = count_queries(kinds, options["sample"])
    cookies = sessions()
    port = _free_port()
    server = start_gunicorn(port, options["workers"])
    writer = Writer(port, cookies["coordinator"], coordinator_projects())
    try:
        writer.start()
        result["pages"] = {}
        for kind in kinds:
            out.write(f"  loading {kind.name} ({len(kind.paths):,} URLs) …")
            lines = [(cookies[kind.persona], path) for path in kind.paths]
            before = cpu_split(server)
            page = run_wrk(
                f"http://127.0.0.1:{port}",
                lines,
                duration=options["duration"],
                connections=options["connections"],
                threads=options["threads"],
                cycle=kind.single,
            )
            page["cpu"] = cpu_per_request(before, cpu_split(server), page)
            result["pages"][kind.name] = page
            settle(port, server)
        if label == HEADLINE:
            result["single_url"] = {}
            for name, (path, who) in SINGLE_URL.items():
                out.write(f"  loading {name} (one URL repeated) …")
                result["single_url"][name] = run_wrk(
                    f"http://127.0.0.1:{port}",
                    [(cookies[who], path)],
                    duration=min(options["duration"], 5),
                    connections=options["connections"],
                    threads=options["threads"],
                    cycle=True,
                )
                settle(port, server)
        result["writer"] = writer.stop()
        if label == HEADLINE:
            out.write("  exporting every project as CSV three times …")
            result["csv_export"] = measure_export(port, cookies["reviewer"], server)
    finally:
        writer.stop()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return result


def seed_database(out, count: int, *, reseed: bool, allowed: bool) -> dict:
    existing = Project.objects.filter(title__contains=f"({SYNTHETIC_MARK} {SEED}-").count()
    if existing >= count and not reseed:
        out.write(f"  reusing the {existing:,} synthetic projects already seeded")
        return {"reused": True, "projects": existing}
    if not allowed:
        return {"missing": True, "projects": existing}
    if reseed or existing:
        call_command("flush", interactive=False, verbosity=0)
    out.write(f"  seeding {count:,} synthetic projects …")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--projects", str(count), "--seed", str(SEED)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        "reused": False,
        "projects": count,
        "seconds": round(time.monotonic() - started, 1),
        "output_tail": result.stdout.strip().splitlines()[-12],
    }


def count_queries(kinds, sample: int) -> dict:
    """The queries of each page kind over the first `sample` of its URLs (those wrk requests
    first), after one request of every page kind for the caches a running process has."""
    users = workload.users()
    clients = {}
    for persona, user in users.items():
        clients[persona] = Client(headers={"X-Forwarded-Proto": "https"}, HTTP_HOST="127.0.0.1")
        clients[persona].force_login(user)
    for kind in kinds:
        if not kind.single:
            _get(clients[kind.persona], kind.paths[min(sample, len(kind.paths) - 1)])
    counts = {}
    for kind in kinds:
        paths = kind.paths[:sample] if not kind.single else kind.paths * 3
        found = []
        for path in paths:
            with CaptureQueriesContext(connection) as context:
                _get(clients[kind.persona], path)
            found.append(len(context.captured_queries))
        counts[kind.name] = {"max": max(found), "distinct": sorted(set(found)), "urls": len(paths)}
    return counts


def _get(client, path: str):
    response = client.get(path)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    if response.status_code != 200:
        raise CommandError(f"{path} answered {response.status_code}")
    return response


def sessions() -> dict[str, str]:
    """A signed-in session for each persona, as the login form would make it."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = {"anonymous": ""}
    for persona, user in workload.users().items():
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "projects.backends.PasswordBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies[persona] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    return cookies


def coordinator_projects(limit: int = 40) -> list[int]:
    """Ongoing projects the coordinator's organisation leads, which they may update."""
    coordinator = workload.users()["coordinator"]
    organisations = Membership.objects.filter(user=coordinator, role=Role.COORDINATOR).values(
        "organisation"
    )
    pks = list(
        Project.objects.filter(
            lead_organisation__in=organisations, outcome=Outcome.ONGOING, archived=False
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not pks:
        raise CommandError("The coordinator leads no ongoing project to write to.")
    return pks


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "sigprojects.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=settings.BASE_DIR, env=os.environ.copy())
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise CommandError("gunicorn did not start")


def settle(port: int, server) -> None:
    """Wait for the requests still running when wrk stopped, so that they do not weigh on
    the next page kind: a first request comes after everything queued before it; then every
    worker must have been idle (no CPU time used) for a moment, since the last request
    accepted before it may still be running in another worker (a dashboard computed at
    100,000 projects takes seconds)."""
    _health(port)
    workers = _children(server.pid)
    deadline = time.monotonic() + 120
    quiet = 0
    before = _cpu_ticks(workers)
    while quiet < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
        now = _cpu_ticks(workers)
        quiet = quiet + 1 if now - before <= 1 else 0
        before = now


def cpu_split(server) -> dict:
    """CPU seconds used so far by the application (gunicorn's workers, by process), the
    database (every PostgreSQL process, by process), the load generator (wrk, a finished
    child of this process) and this process (the writer), with the wall clock."""
    ticks = os.sysconf("SC_CLK_TCK")
    database = [
        int(path.parent.name)
        for path in Path("/proc").glob("[0-9]*/comm")
        if _read(path).strip() == "postgres"
    ]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "app": {pid: _cpu_ticks([pid]) / ticks for pid in _children(server.pid)},
        "database": {pid: _cpu_ticks([pid]) / ticks for pid in database},
        "load generator": children.ru_utime + children.ru_stime,
        "benchmark and writer": own.ru_utime + own.ru_stime,
        "wall": time.monotonic(),
    }


def cpu_per_request(before: dict, after: dict, page: dict) -> dict:
    """Milliseconds of CPU per request of each part over one page kind's run, and how busy
    the machine's cores were (the share of all cores' time that these parts used). A
    process that ended during the run is left out (a database connection closed by its
    age): its part is then a little low, never negative."""
    requests = page["requests"] or 1
    used = {}
    for name, value in after.items():
        if name == "wall":
            continue
        if isinstance(value, dict):
            earlier = before[name]
            used[name] = sum(max(0.0, now - earlier.get(pid, 0.0)) for pid, now in value.items())
        else:
            used[name] = value - before[name]
    wall = after["wall"] - before["wall"]
    split = {name: round(1000 * seconds / requests, 2) for name, seconds in used.items()}
    split["cores_busy"] = round(sum(used.values()) / (wall * (os.cpu_count() or 1)), 2)
    return split


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _cpu_ticks(pids: list[int]) -> int:
    """User and system CPU time of these processes, in clock ticks."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total


def _health(port: int) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=120) as response:
        response.read()


def measure_export(port: int, cookie: str, server) -> dict:
    """Time the full CSV export and watch the workers' peak memory while it runs."""
    workers = _children(server.pid)
    peak_before = max(_peak_rss_kb(pid) for pid in workers)
    timings, size, rows = [], 0, 0
    for _ in range(3):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/projects/export.csv",
            headers={"Cookie": cookie, "X-Forwarded-Proto": "https"},
        )
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=120) as response:
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


# -- growth and budgets --------------------------------------------------------------------


def growth(sizes: dict) -> dict:
    """Per page kind, how p50 grows from size to size next to how the logarithm of the data
    grows: cost per request should grow no faster than log(n)."""
    pairs = [("1k", "10k"), ("10k", "100k")]
    pages = []
    ratios = {}
    for small, large in pairs:
        if "pages" not in sizes.get(small, {}) or "pages" not in sizes.get(large, {}):
            continue
        n_small, n_large = sizes[small]["projects"], sizes[large]["projects"]
        log_ratio = math.log(n_large) / math.log(n_small)
        per_page = {}
        for name, page in sizes[large]["pages"].items():
            before = sizes[small]["pages"].get(name)
            if not before or not before["requests"] or not page["requests"]:
                continue
            ratio = page["p50_ms"] / before["p50_ms"]
            per_page[name] = {
                "ratio": round(ratio, 2),
                "within": ratio <= log_ratio,
                "verdict": "ok" if ratio <= log_ratio else "above",
            }
            if name not in pages:
                pages.append(name)
        ratios[f"p50 {large}/{small}"] = {"log_ratio": round(log_ratio, 3), "pages": per_page}
    return {"pages": pages, "ratios": ratios, "informative": True}


def budgets(report) -> list[dict]:
    sizes = {label: size for label, size in report["sizes"].items() if "pages" in size}
    checks = []

    def check(text, met, measured):
        checks.append({"budget": text, "met": bool(met), "measured": measured})

    for label, size in report["sizes"].items():
        if "failed" in size:
            check(f"{label}: the run completed", False, size["failed"])

    for label, size in sizes.items():
        pages = size["pages"]
        mixed = {n: p for n, p in pages.items() if not _single(size, n)}
        errors = sum(page["errors"] for page in pages.values())
        errors += sum(page["errors"] for page in size.get("single_url", {}).values())
        check(f"{label}: no failed or non-2xx request", errors == 0, f"{errors} errors")
        idle = [name for name, page in pages.items() if not page["requests"]]
        check(
            f"{label}: every page kind answered requests",
            not idle,
            f"none answered: {', '.join(idle)}" if idle else "all",
        )
        repeats = sum(page["repeats"] for page in mixed.values())
        ran_out = [name for name, page in mixed.items() if page["threads_exhausted"]]
        check(
            f"{label}: no URL requested twice, none ran out of distinct URLs",
            repeats == 0 and not ran_out,
            f"{repeats} repeats" + (f"; ran out: {', '.join(ran_out)}" if ran_out else ""),
        )
        writer = size["writer"]
        check(
            f"{label}: every write of the writer saved",
            writer["failed"] == 0 and writer["writes"] > 0,
            f"{writer['writes']} saved, {writer['failed']} failed"
            + (f" ({writer['failures'][0]})" if writer["failures"] else ""),
        )
        worst = max(size["queries"].items(), key=lambda item: item[1]["max"])
        check(
            f"{label}: no page runs more than {QUERY_BUDGET} queries",
            worst[1]["max"] <= QUERY_BUDGET,
            f"at most {worst[1]['max']} ({worst[0]})",
        )
    headline = sizes.get(HEADLINE)
    if headline:
        pages = headline["pages"]
        ratio = pages["portfolio_reviewer"]["rps"] / (pages[REFERENCE]["rps"] or math.nan)
        check(
            "portfolio (reviewer) >= 5x the requests/s of the admin list",
            ratio >= 5,
            f"{ratio:.1f}x",
        )
        for name in ("portfolio_reviewer", "portfolio_coordinator", "project_page", "dashboard"):
            under = " (under the writer)" if name == "dashboard" else ""
            p90 = pages[name]["p90_ms"]
            answered = pages[name]["requests"] > 0
            check(
                f"{name} p90 < {P90_BUDGET_MS} ms{under}",
                answered and p90 < P90_BUDGET_MS,
                f"{p90} ms" if answered else "no request answered",
            )
        export = headline["csv_export"]["median_s"]
        check("CSV export of all projects < 3 s", export < 3, f"{export} s")
        if not headline["seed"]["reused"]:
            seconds = headline["seed"]["seconds"]
            check("seeding 10,000 projects < 3 minutes", seconds < 180, f"{seconds} s")
    if "1k" in sizes and HEADLINE in sizes:
        differ = {
            name: (sizes["1k"]["queries"][name]["max"], counts["max"])
            for name, counts in sizes[HEADLINE]["queries"].items()
            if sizes["1k"]["queries"].get(name, {}).get("max") != counts["max"]
        }
        check(
            "the same query count at 1,000 and 10,000 projects",
            not differ,
            "equal" if not differ else "; ".join(f"{n} {a} -> {b}" for n, (a, b) in differ.items()),
        )
    return checks


def _single(size: dict, name: str) -> bool:
    return any(kind["name"] == name and kind["single"] for kind in size.get("kinds", []))


def set_text(values) -> str:
    return "{" + ",".join(str(v) for v in values) + "}"


def cache_text(pages: dict) -> str:
    parts = []
    for name, page in pages.items():
        seen = page["cache_hits"] + page["cache_misses"]
        if seen:
            hits = page["cache_hits"]
            parts.append(f"{name} {100 * hits / seen:.0f}% hits ({hits}/{seen})")
    return "; ".join(parts) if parts else "no cache (no response carried X-Cache)"


# -- databases and the machine --------------------------------------------------------------


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _maintenance(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def database_exists(url: str) -> bool:
    with psycopg.connect(_maintenance(url), autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_name(url)])
        return found.fetchone() is not None


def ensure_database(url: str) -> None:
    if not database_exists(url):
        with psycopg.connect(_maintenance(url), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{_name(url)}"')


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
