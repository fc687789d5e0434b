"""`python -m tests.lighthouse` (`make lighthouse`): Lighthouse scores of the main pages under
production settings, with mobile emulation in Debian's Chromium.

Seeds the demo data into a scratch SQLite database, collects the static files, serves the app
with gunicorn and DEBUG off (WhiteNoise serving the collected, compressed files) behind what it
is told is a TLS proxy, so the production security headers and cookies are all in place. Lighthouse
cannot sign in by itself: each signed-in page is audited with the session cookie of a demo user,
created here and passed as an extra header. Prints performance, accessibility, best practices
(and SEO, for information) per page and fails when accessibility or best practices score below
100 or performance below 95. The reports go to test-results/lighthouse/.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
REPORTS = BASE_DIR / "test-results" / "lighthouse"
LIGHTHOUSE = BASE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
MINIMUM = {"performance": 95, "accessibility": 100, "best-practices": 100}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PROJECT = "Smartmail – udbredelse"


def production_environment(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "lighthouse-only-key-3c9e1a7f5b2d4e6a8c0f2b4d6e8a1c3f5b7d9e2a",
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"sqlite:///{database}",
        # TLS ends at the proxy in production; here the requests say so themselves.
        "SECURE_PROXY_SSL_HEADER": "1",
        "LOG_LEVEL": "WARNING",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(environment: dict[str, str]) -> None:
    for command in (
        ["migrate", "--no-input", "--verbosity", "0"],
        ["seed_demo"],
        ["collectstatic", "--no-input", "--verbosity", "0"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def start_gunicorn(environment: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "sigprojects.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"),
        ],
        cwd=BASE_DIR,
        env=environment,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://localhost:{port}/health/", timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def targets(environment: dict[str, str]) -> list[tuple[str, str, str | None]]:
    """(name, path, session cookie or None) for each audited page; the sessions are made in
    the scratch database for demo users, as a sign-in would make them."""
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigprojects.settings")
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    from projects.models import Project

    def session(username: str) -> str:
        user = get_user_model().objects.get(username=username)
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "projects.backends.PasswordBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"

    project = Project.objects.get(title=PROJECT).pk
    reviewer, coordinator = session("ds-reviewer"), session("norddjurs-koordinator")
    return [
        ("login", "/login/", None),
        ("project list", "/projects/", reviewer),
        ("dashboard", "/dashboard/", reviewer),
        ("project page", f"/projects/{project}/", coordinator),
        ("status update form", f"/projects/{project}/updates/new/", coordinator),
    ]


# Lighthouse 12 sometimes fails to record Chromium's trace of a page load ("NO_NAVSTART"); such
# a run measured nothing and is made again, at most this many times.
ATTEMPTS = 3


def audit(url: str, cookie: str | None, report: Path) -> dict:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _audit_once(url, cookie, report)
        except (subprocess.CalledProcessError, _TraceNotRecorded) as error:
            failure = (
                f"exit status {error.returncode}"
                if isinstance(error, subprocess.CalledProcessError)
                else str(error)
            )
            if attempt == ATTEMPTS:
                raise SystemExit(f"{url}: Lighthouse failed {ATTEMPTS} times ({failure})") from None
            print(f"    Lighthouse could not measure the page ({failure}); again …", flush=True)
    raise AssertionError("unreachable")


class _TraceNotRecorded(Exception):
    pass


def _audit_once(url: str, cookie: str | None, report: Path) -> dict:
    headers = {"X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    command = [
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--form-factor=mobile",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--extra-headers={json.dumps(headers)}",
        "--output=json",
        "--output=html",
        f"--output-path={report}",
        "--quiet",
    ]
    environment = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(command, env=environment, check=True)
    result = json.loads(report.with_suffix(".report.json").read_text())
    if result.get("runtimeError"):
        raise _TraceNotRecorded(result["runtimeError"]["message"])
    if result["finalDisplayedUrl"] != url:
        raise SystemExit(f"{url} ended at {result['finalDisplayedUrl']} (not signed in?)")
    return result


def _percent(score: float | None) -> int | None:
    """A category's score out of 100; None when Lighthouse could not score it."""
    return None if score is None else round(100 * score)


def failing_audits(result: dict, category: str) -> list[str]:
    audits = result["audits"]
    return [
        f"{ref['id']}: {audits[ref['id']]['title']}"
        for ref in result["categories"][category]["auditRefs"]
        if ref["weight"] and (audits[ref["id"]]["score"] or 0) < 1
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Runs per page; the median counts.")
    parser.add_argument(
        "--page",
        action="append",
        help="Audit only this page (by the name printed, e.g. 'project page'); repeatable.",
    )
    options = parser.parse_args()
    REPORTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sigprojects-lighthouse-") as scratch:
        environment = production_environment(Path(scratch) / "db.sqlite3")
        print("Seeding the demo data into a scratch database and collecting static files …")
        prepare(environment)
        port = free_port()
        server = start_gunicorn(environment, port)
        try:
            scores, problems, benchmarks = {}, [], []
            for name, path, cookie in targets(environment):
                if options.page and name not in options.page:
                    continue
                url = f"http://localhost:{port}{path}"
                print(f"  auditing {name} ({path}) …", flush=True)
                runs = []
                for number in range(options.runs):
                    report = REPORTS / f"{name.replace(' ', '-')}-{number + 1}"
                    runs.append(audit(url, cookie, report))
                benchmarks += [result["environment"]["benchmarkIndex"] for result in runs]
                runs.sort(key=lambda result: result["categories"]["performance"]["score"] or 0)
                result = runs[len(runs) // 2]
                scores[name] = {
                    category: _percent(result["categories"][category]["score"])
                    for category in CATEGORIES
                }
                for category, minimum in MINIMUM.items():
                    if scores[name][category] is None or scores[name][category] < minimum:
                        problems.append(
                            f"{name}: {category} {scores[name][category]} < {minimum} "
                            f"({'; '.join(failing_audits(result, category))})"
                        )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    header = (
        f"{'page':22} {'performance':>12} {'accessibility':>14} {'best practices':>15} {'seo':>5}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for name, page in scores.items():
        shown = {category: "–" if score is None else score for category, score in page.items()}
        print(
            f"{name:22} {shown['performance']:>12} {shown['accessibility']:>14} "
            f"{shown['best-practices']:>15} {shown['seo']:>5}"
        )
    # Performance is measured on this machine: a busy one scores lower.
    print(
        f"\n{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, Lighthouse benchmark "
        f"index {min(benchmarks):.0f}–{max(benchmarks):.0f}; median of {options.runs} run(s)"
    )
    (REPORTS / "scores.json").write_text(json.dumps(scores, indent=2))
    print(f"\nReports in {REPORTS.relative_to(BASE_DIR)}")
    if problems:
        print("\nBelow the minimum:\n  " + "\n  ".join(problems))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
