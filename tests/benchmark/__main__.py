"""`python -m tests.benchmark [--reseed]`: the load benchmark at programme scale (see
docs/performance.md). Kept outside the application package: it starts gunicorn and wrk."""

import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigprojects.settings")
    django.setup()
    from tests.benchmark.command import Command

    Command().run_from_argv(["benchmark", "benchmark", *sys.argv[1:]])


if __name__ == "__main__":
    main()
