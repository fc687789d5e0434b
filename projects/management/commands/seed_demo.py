import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from projects.demo import catalogue
from projects.demo.register import seed_register
from projects.demo.seed import (
    SeedReport,
    database_is_empty,
    seed_real_projects,
    seed_reference,
    seed_synthetic,
)
from projects.demo.solutions import seed_solutions


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date written YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Create the demo organisations, funding rounds, users and the programme's real "
        "projects; optionally add synthetic projects. Running it again creates nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects", type=int, default=0, help="Number of synthetic projects to ensure."
        )
        parser.add_argument("--seed", type=int, default=1, help="Seed for synthetic projects.")
        parser.add_argument(
            "--today", type=_date, default=None, help="Date the history runs up to (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database has data."
        )

    def handle(self, *args, projects: int, seed: int, today, if_empty: bool, **options):
        if projects < 0:
            raise CommandError("--projects cannot be negative.")
        today = today or timezone.localdate()
        if if_empty and not database_is_empty():
            self.stdout.write("The database already has data; no demo data added.")
            self._print_logins()
            return
        started = time.monotonic()
        report = SeedReport()
        seed_reference(report)
        seed_real_projects(report, today=today)
        seed_solutions(today=today)
        seed_register()
        if projects:
            seed_synthetic(
                report,
                count=projects,
                seed=seed,
                today=today,
                progress=lambda done, total: self.stdout.write(
                    f"  synthetic projects: {done:,}/{total:,} ({time.monotonic() - started:.0f} s)"
                ),
            )
        if report.projects and connection.vendor == "postgresql":
            # Fresh planner statistics after a bulk load, as autovacuum would gather later.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {time.monotonic() - started:.1f} s: "
                f"{report.organisations} organisations, {report.funding_rounds} funding rounds, "
                f"{report.users} users and {report.projects} projects created."
            )
        )
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {catalogue.DEMO_PASSWORD})")
        for user in catalogue.DEMO_USERS:
            self.stdout.write(f"  {user.username:<24} {user.role:<14} {user.organisation}")
