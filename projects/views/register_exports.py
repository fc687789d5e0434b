"""Downloads of the published algorithm register, open to everyone: JSON and CSV keyed by the
Dutch publication standard's field names, narrowed by the register's filters."""

from django.contrib.auth.decorators import login_not_required
from django.http import StreamingHttpResponse
from django.views.decorators.http import require_safe

from projects import register_exports

# Public data that changes when a record is published or withdrawn: a cache may keep a copy
# but asks again before using it.
PUBLIC = "public, no-cache"


def export_response(chunks, *, content_type: str, extension: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{register_exports.filename(extension)}"'
    )
    response["Cache-Control"] = PUBLIC
    return response


@login_not_required
@require_safe
def register_export_json(request):
    snapshots = register_exports.filtered_snapshots(request.GET)
    return export_response(
        register_exports.json_chunks(snapshots),
        content_type="application/json; charset=utf-8",
        extension="json",
    )


@login_not_required
@require_safe
def register_export_csv(request):
    snapshots = register_exports.filtered_snapshots(request.GET)
    return export_response(
        register_exports.csv_lines(snapshots),
        content_type="text/csv; charset=utf-8",
        extension="csv",
    )
