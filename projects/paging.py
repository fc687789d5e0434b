"""Pages of a filtered list read together with the number of rows in the whole list."""

from django.core.paginator import Page, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesListIterable

TOTAL = "counted_total"


class CountedPaginator(Paginator):
    """Django's paginator, but a page's rows bring the number of rows of the whole list with
    them (COUNT(*) OVER ()): the database filters the list once, not once to count it and
    again for the page. A page past the end has no row to bring the number, and is then
    answered as Django answers it (counted, and the last page shown). Lists that cannot be
    counted this way (DISTINCT, combined queries, slices, raw SQL) are paged as Django pages
    them."""

    def get_page(self, number):
        queryset = self.object_list
        if not self._countable(queryset):
            return super().get_page(number)
        try:
            number = self._whole_number(number)
        except PageNotAnInteger:
            number = 1
        if number < 1:
            return super().get_page(number)
        bottom = (number - 1) * self.per_page
        rows, total = self._read(queryset, bottom, bottom + self.per_page)
        if total is None:  # no row on this page: an empty list, or a page past the end
            return super().get_page(number)
        self.__dict__["count"] = total  # Paginator.count is a cached property
        return Page(rows, number, self)

    def _countable(self, queryset) -> bool:
        if not isinstance(queryset, QuerySet) or self.orphans:
            return False
        query = queryset.query
        return not (
            query.distinct
            or query.combinator
            or query.is_sliced
            # Raw SQL (SQLite's full-text ranking, whose bm25() cannot be read beside a
            # window function).
            or query.extra
            or query.extra_tables
            or queryset._iterable_class
            not in (ModelIterable, ValuesListIterable, FlatValuesListIterable)
        )

    @staticmethod
    def _whole_number(number) -> int:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            return int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(str(error)) from error

    @staticmethod
    def _read(queryset: QuerySet, bottom: int, top: int) -> tuple[list, int | None]:
        counted = queryset.annotate(**{TOTAL: Window(Count("*"))})
        iterable = queryset._iterable_class
        if iterable is FlatValuesListIterable:
            found = list(counted.values_list(*queryset._fields, TOTAL)[bottom:top])
            return [row[0] for row in found], found[0][-1] if found else None
        found = list(counted[bottom:top])
        if not found:
            return [], None
        if iterable is ValuesListIterable:
            return [row[:-1] for row in found], found[0][-1]
        total = getattr(found[0], TOTAL)
        for row in found:
            delattr(row, TOTAL)
        return found, total
