"""Pages read with their list's total (projects/paging.py): the same pages as Django's
paginator gives, in one query for a page within the list."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Project
from projects.paging import CountedPaginator
from tests import factories

pytestmark = pytest.mark.django_db

NUMBERS = [1, 2, 3, "2", "", None, "abc", 0, -1, 4, 99, 2.0, 2.5]


@pytest.fixture
def projects():
    for number in range(7):
        factories.ProjectFactory(title=f"Projekt {number}")
    return Project.objects.order_by("title")


def _shown(page):
    return (
        page.number,
        page.paginator.count,
        page.paginator.num_pages,
        list(page.object_list),
        page.has_next(),
        page.has_previous(),
    )


@pytest.mark.parametrize("shape", ["models", "ids", "tuples"])
@pytest.mark.parametrize("number", NUMBERS)
def test_every_page_is_the_page_django_gives(projects, shape, number):
    listed = {
        "models": projects,
        "ids": projects.values_list("pk", flat=True),
        "tuples": projects.values_list("pk", "title"),
    }[shape]
    expected = _shown(Paginator(listed, 3).get_page(number))
    assert _shown(CountedPaginator(listed.all(), 3).get_page(number)) == expected


def test_an_empty_list_has_one_empty_page(db):
    page = CountedPaginator(Project.objects.order_by("pk"), 3).get_page(1)
    assert (page.number, page.paginator.count, list(page.object_list)) == (1, 0, [])


def test_a_page_within_the_list_takes_one_query(projects):
    with CaptureQueriesContext(connection) as queries:
        page = CountedPaginator(projects.values_list("pk", flat=True), 3).get_page(2)
        assert page.paginator.count == 7
        assert page.paginator.num_pages == 3
        assert len(page.object_list) == 3
    assert len(queries) == 1
    assert "OVER ()" in queries[0]["sql"]


def test_rows_keep_no_trace_of_the_count(projects):
    page = CountedPaginator(projects, 3).get_page(1)
    assert all(not hasattr(project, "counted_total") for project in page.object_list)


def test_a_distinct_list_is_counted_as_django_counts_it(projects):
    """COUNT(*) OVER () would count the rows before DISTINCT removes the repeated ones."""
    project = projects.first()
    factories.BarrierFactory(project=project)
    factories.BarrierFactory(project=project)
    repeated = Project.objects.filter(barriers__isnull=False).order_by("title")
    distinct = repeated.distinct()
    assert repeated.count() > distinct.count()
    assert CountedPaginator(distinct, 3).get_page(1).paginator.count == distinct.count()


def test_a_list_with_raw_sql_is_paged_as_django_pages_it(projects):
    raw = projects.extra(select={"marked": "1"})
    with CaptureQueriesContext(connection) as queries:
        page = CountedPaginator(raw, 3).get_page(1)
        assert page.paginator.count == 7
        assert len(page.object_list) == 3
    assert len(queries) == 2
    assert not any("OVER ()" in query["sql"] for query in queries)
