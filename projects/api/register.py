"""The published algorithm register, open to everyone without a token: the current published
version of each record, keyed by the Dutch publication standard 1.0's field names. Only
published snapshots are read (projects.selectors.register), never a record's working copy
nor anything else of a project.

Answers carry an `ETag` (a hash of the body, so it changes with whatever changes the answer)
and a `Last-Modified`; `If-None-Match` / `If-Modified-Since` get 304 Not Modified."""

import hashlib
import json
from datetime import date, datetime
from typing import Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from ninja import Field, Query, Router, Schema
from pydantic import create_model

from projects import register_exports
from projects.api.pagination import PageParams, page_of
from projects.models import RegisterSnapshot, RegisterStatus, RegisterTheme
from projects.models.register import STANDARD_VALUES, PublicationCategory
from projects.selectors.register import (
    LINK_LIST_FIELDS,
    REGISTER_FIELDS,
    public_snapshot,
    public_snapshots,
)
from projects.views.register_exports import PUBLIC, export_response

router = Router(tags=["Algorithm register (public)"])


class Link(Schema):
    title: str
    link: str


def _vocabulary(key: str):
    return Literal[tuple(STANDARD_VALUES[key].values())]


def _data_fields() -> dict:
    """One field per field of the standard, titled by its label, typed by its values."""
    fields = {}
    with translation.override("en"):
        for key, label in REGISTER_FIELDS:
            if key in LINK_LIST_FIELDS:
                annotation = list[Link] | None
            elif key == "category":
                annotation = list[_vocabulary(key)] | None
            elif key in STANDARD_VALUES:
                annotation = _vocabulary(key) | None
            elif key == "external_supplier_involvement":
                annotation = bool | None
            else:
                annotation = str | None
            fields[key] = (annotation, Field(None, title=str(label)))
    return fields


RegisterData = create_model(
    "RegisterData",
    __base__=Schema,
    __doc__="A published description keyed by the Dutch publication standard 1.0's field names, "
    "coded values in the standard's vocabulary.",
    **_data_fields(),
)


class RegisterEntry(Schema):
    id: int = Field(description="The register record's number, as in /register/<id>/")
    version: int = Field(description="The published version of the record")
    published_at: datetime
    url: str = Field(description="The record's public page")
    data: RegisterData


class RegisterPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[RegisterEntry]


class RegisterFilters(Schema):
    organisation: int | None = Field(None, description="The organisation's id")
    status: Literal[tuple(RegisterStatus.values)] | None = None
    publication_category: Literal[tuple(PublicationCategory.values)] | None = None
    theme: Literal[tuple(RegisterTheme.values)] | None = None
    updated_since: date | None = Field(None, description="Published on or after this day")
    q: str | None = Field(None, max_length=200, description="Words in the name, description …")


def _snapshots(filters: RegisterFilters):
    return public_snapshots(
        organisation=filters.organisation,
        status=filters.status or "",
        publication_category=filters.publication_category or "",
        theme=filters.theme or "",
        updated_since=filters.updated_since,
        search=filters.q or "",
    ).only("pk", "record_id", "version", "published_at", "data")


def _entry(snapshot: RegisterSnapshot) -> dict:
    return {
        "id": snapshot.record_id,
        "version": snapshot.version,
        "published_at": snapshot.published_at,
        "url": reverse("public_register_detail", args=[snapshot.record_id]),
        "data": register_exports.standard_record(snapshot.data or {}),
    }


def register_changed_at() -> datetime | None:
    """When the published register last changed: a version published or withdrawn (a
    withdrawal marks the record's published versions; publishing again makes a new one)."""
    moments = RegisterSnapshot.objects.aggregate(
        published=Max("published_at"), withdrawn=Max("withdrawn_at")
    )
    return max((value for value in moments.values() if value), default=None)


def conditional_json(request, payload: dict, *, modified: datetime | None) -> HttpResponse:
    """The payload as JSON with its validators, or 304 when the client's copy is current."""
    body = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    last_modified = int(modified.timestamp()) if modified else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    response = not_modified or HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = PUBLIC
    return response


@router.get(
    "/register/records",
    response={200: RegisterPage, 304: None},
    summary="The published register",
)
def register_records(request, filters: Query[RegisterFilters], paging: Query[PageParams]):
    """Every published register record in its current published version, by name."""
    page = page_of(_snapshots(filters), paging)
    page["results"] = [_entry(snapshot) for snapshot in page["results"]]
    payload = RegisterPage.model_validate(page).model_dump(mode="json")
    return conditional_json(request, payload, modified=register_changed_at())


@router.get(
    "/register/records/{record_id}",
    response={200: RegisterEntry, 304: None},
    summary="One published register record",
)
def register_record(request, record_id: int):
    """The current published version of one record; 404 while it is not published."""
    snapshot = public_snapshot(record_id)
    if snapshot is None:
        raise Http404
    payload = RegisterEntry.model_validate(_entry(snapshot)).model_dump(mode="json")
    return conditional_json(request, payload, modified=snapshot.published_at)


@router.get("/register/export.json", summary="The register as a JSON download")
def register_export_json(request, filters: Query[RegisterFilters]):
    """A list of objects keyed by the standard's field names, as the Algoritmeregister's
    download; the same file as /register/export.json."""
    return export_response(
        register_exports.json_chunks(_snapshots(filters)),
        content_type="application/json; charset=utf-8",
        extension="json",
    )


@router.get("/register/export.csv", summary="The register as a CSV download")
def register_export_csv(request, filters: Query[RegisterFilters]):
    """Comma-separated, UTF-8 with a byte-order mark, the header the standard's field names;
    the same file as /register/export.csv."""
    return export_response(
        register_exports.csv_lines(_snapshots(filters)),
        content_type="text/csv; charset=utf-8",
        extension="csv",
    )
