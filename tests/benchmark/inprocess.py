"""Where a request's time goes, measured in the application's own process: each page kind of
the mixed load requested one at a time through Django's test client (production settings, no
server, no load, distinct URLs), with the time its queries took, and the dashboard's figures
computed afresh. The figures `docs/performance.md` gives for "where the time goes".

    DEBUG=0 SECRET_KEY=… DATABASE_URL=postgres://…/sigprojects_bench \\
        python -m tests.benchmark.inprocess [--requests 200]
"""

import argparse
import os
import statistics
import time


def _median_p90(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.9)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="Distinct URLs per page kind.")
    parser.add_argument("--computes", type=int, default=5, help="Dashboard computations.")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigprojects.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from projects.views.portfolio import _dashboard
    from tests.benchmark import workload

    users = workload.users()
    header = ("page", "requests", "median ms", "p90 ms", "SQL ms", "queries")
    print("{:22} {:>8} {:>9} {:>7} {:>7} {:>7}".format(*header))
    for kind in workload.page_kinds(options.requests + 10):
        client = Client(headers={"X-Forwarded-Proto": "https"})
        client.force_login(users[kind.persona])
        paths = kind.paths * (options.requests + 10) if kind.single else kind.paths
        # The first requests fill what a running process keeps (templates, kept choices).
        for path in paths[:10]:
            client.get(path)
        times, sql, queries = [], [], []
        for path in paths[10 : options.requests + 10]:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            sql.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
            queries.append(len(captured.captured_queries))
        median, p90 = _median_p90(times)
        print(
            f"{kind.name:22} {len(times):8d} {median:9.1f} {p90:7.1f} "
            f"{statistics.median(sql):7.1f} {max(queries):7d}"
        )

    translation.activate("da")
    reviewer = users["reviewer"]
    totals, sql = [], []
    for _ in range(options.computes):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            _dashboard(reviewer)
            totals.append((time.perf_counter() - started) * 1000)
        sql.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
    print(
        f"dashboard computed afresh: median {statistics.median(totals):.0f} ms, "
        f"of which SQL {statistics.median(sql):.0f} ms ({options.computes} times)"
    )


if __name__ == "__main__":
    main()
