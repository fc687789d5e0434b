"""Pages of a list, the same for every list of the API: `page` and `page_size` (at most
MAX_PAGE_SIZE), a count and the rows of one page, in two queries whatever the size."""

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from ninja import Field, Schema

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class PageParams(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Rows per page (at most {MAX_PAGE_SIZE})",
    )


def page_of(queryset, paging: PageParams) -> dict:
    """One page of an ordered queryset; a page past the last is not found (404)."""
    paginator = Paginator(queryset, paging.page_size)
    try:
        page = paginator.page(paging.page)
    except EmptyPage:
        raise Http404 from None
    return {
        "count": paginator.count,
        "page": page.number,
        "page_size": paging.page_size,
        "pages": paginator.num_pages,
        "results": list(page.object_list),
    }
