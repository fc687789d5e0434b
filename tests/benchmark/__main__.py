"""`python -m tests.benchmark [--reseed] [--duration S] [--sizes 10k,1k,100k]`: the load
benchmark at programme scale, a mixed load of distinct URLs per page kind (see
tests/benchmark/command.py; `--seed-only 100k` seeds the largest size). Kept outside the
application package: it starts gunicorn and wrk."""

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
