"""Danish full-text search of the lessons library, the legal questions and (beside its
substring match) the project list, on both databases.

PostgreSQL searches with its own Danish text-search configuration. SQLite has none, so there
each searchable record has a row in an FTS5 table holding its text already reduced to Danish
word stems, by the Snowball Danish stemmer (the algorithm behind PostgreSQL's configuration)
and without PostgreSQL's Danish stop words; a query is reduced the same way. So "samtykket"
finds "samtykke" and "hjemlen" finds "hjemler" on either database, the title weighs more than
the rest in the ranking, and the search syntax is the same as PostgreSQL's web search: words
(all must be found), "a phrase", `or` between alternatives and -word to leave a word out.

The category of a lesson and the legal area of a question are searched by their Danish and
English labels on both databases ("Jura", "GDPR", "Data protection").

Reading is never decided here: a search narrows a queryset already scoped to what the user may
read, so a row of the search table can only ever point to a record the queryset lets through.
The SQLite rows follow every write: saves and deletes send signals (services, the Django admin
and plain ORM code alike), bulk inserts index their rows (`index_records`) and `migrate` (and
the test database's flush) brings the table in line with the records (`synchronise`).
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.conf import settings
from django.db import connections
from django.db.models import (
    Case,
    Model,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import translation

from projects.models import LegalArea, LegalQuestion, LessonCategory, LessonLearned, Project

# The weights of PostgreSQL's ranking for the labels A, B, C and D (ts_rank's defaults).
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}

# PostgreSQL's Danish stop words (tsearch_data/danish.stop, from the Snowball project): left out
# of the searched text and of queries, as PostgreSQL does.
_DANISH_STOP_WORDS = """
    og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om vi
    min havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her
    alle vil blev kunne ind når være dog noget ville jo deres efter ned skulle denne end dette
    mit også under have dig anden hende mine alt meget sit sine vor mod disse hvis din nogle hos
    blive mange ad bliver hendes været thi jer sådan
"""
DANISH_STOP_WORDS = frozenset(_DANISH_STOP_WORDS.split())

# A word: letters and digits, as SQLite's unicode61 tokenizer reads the stored stems.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Document:
    """What of a model is searched: text fields with their weight, and the field (if any)
    whose choice labels are searched with the lowest weight."""

    model: type[Model]
    table: str  # the SQLite FTS5 table; its rowid is the record's id
    fields: tuple[tuple[str, str], ...]  # (field, weight label), in the table's column order
    label_field: str | None = None
    choices: type | None = None
    # Equal ranks are ordered as the list itself is.
    order: tuple[str, ...] = ("-pk",)

    @property
    def columns(self) -> list[str]:
        labels = [self.label_field] if self.label_field else []
        return [name for name, _weight in self.fields] + labels

    @property
    def weights(self) -> list[float]:
        labels = [WEIGHTS["D"]] if self.label_field else []
        return [WEIGHTS[weight] for _name, weight in self.fields] + labels


LESSONS = Document(
    model=LessonLearned,
    table="projects_lesson_search",
    fields=(("title", "A"), ("advice", "B"), ("what_happened", "C")),
    label_field="category",
    choices=LessonCategory,
    order=("-learned_on", "-pk"),
)
LEGAL_QUESTIONS = Document(
    model=LegalQuestion,
    table="projects_legal_question_search",
    fields=(("question", "A"), ("answer", "B")),
    label_field="legal_area",
    choices=LegalArea,
    order=("-asked_on", "-pk"),
)
# The project list's free-text search: title and summary in Danish, beside its substring match
# (of the lead organisation's name too).
PROJECTS = Document(
    model=Project,
    table="projects_project_search",
    fields=(("title", "A"), ("summary", "B")),
)
DOCUMENTS = (LESSONS, LEGAL_QUESTIONS, PROJECTS)


# Text ---------------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", text or "").lower())


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("danish")


def stems(text: str) -> list[str]:
    """The Danish stems of the words of `text`, stop words left out."""
    return [stem(word) for word in words(text) if word not in DANISH_STOP_WORDS]


def label_text(choices, value: str) -> str:
    """The choice's labels in every language of the interface, each word once: what a user
    may search the category or legal area by ("Jura GDPR Legal")."""
    try:
        label = choices(value).label
    except ValueError:
        return ""
    seen: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for word in _WORD.findall(str(label)):
                seen.setdefault(word.lower(), word)
    return " ".join(seen.values())


# Queries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedQuery:
    """A web-search query: every group must be found (a group is found by any of its
    alternatives, each a phrase of stems); no excluded phrase may be."""

    groups: tuple[tuple[tuple[str, ...], ...], ...]
    excluded: tuple[tuple[str, ...], ...]


_QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(text: str) -> ParsedQuery:
    """Read a query as PostgreSQL's websearch_to_tsquery does: words, "phrases", `or` and
    -word; anything else (operators of other syntaxes, brackets, stray quotes) is no more than
    a separator between words."""
    groups: list[list[tuple[str, ...]]] = []
    excluded: list[tuple[str, ...]] = []
    alternative = False
    for match in _QUERY_PART.finditer(text):
        sign, phrase, chunk = match.groups()
        if chunk is not None:
            if chunk.lower() == "or":
                alternative = bool(groups)
                continue
            negated = chunk.startswith("-")
            phrase = chunk[1:] if negated else chunk
        else:
            negated = sign == "-"
        terms = tuple(stems(phrase))
        if not terms:
            continue
        if negated:
            excluded.append(terms)
        elif alternative:
            groups[-1].append(terms)
        else:
            groups.append([terms])
        alternative = False
    return ParsedQuery(tuple(tuple(group) for group in groups), tuple(excluded))


def _fts_phrase(terms: tuple[str, ...]) -> str:
    # Stems are letters and digits only, so a quoted FTS5 string holds them safely; quoting
    # also keeps a stem such as "near" or "not" from being read as an operator.
    return '"' + " ".join(terms) + '"'


def fts5_match(phrases: Iterable[Iterable[tuple[str, ...]]]) -> str:
    """An FTS5 query requiring a phrase of each group."""
    return " AND ".join(
        "(" + " OR ".join(_fts_phrase(terms) for terms in group) + ")" for group in phrases
    )


# Searching ----------------------------------------------------------------------------------


def search(queryset: QuerySet, text: str, document: Document) -> QuerySet:
    """The records of `queryset` matching `text`, best first."""
    text = (text or "").strip()
    if not text:
        return queryset
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        return _search_postgresql(queryset, text, document)
    if vendor == "sqlite":
        return _search_sqlite(queryset, text, document)
    return _search_substring(queryset, text, document)


def labels_expression(document: Document) -> Case:
    """The choice labels of each record, for PostgreSQL's search (and its index)."""
    return Case(
        *[
            When(**{document.label_field: value}, then=Value(label_text(document.choices, value)))
            for value in document.choices.values
        ],
        default=Value(""),
        output_field=TextField(),
    )


def postgresql_vector(document: Document):
    from django.contrib.postgres.search import SearchVector

    vector = None
    for name, weight in document.fields:
        part = SearchVector(name, weight=weight, config="danish")
        vector = part if vector is None else vector + part
    if document.label_field:
        vector += SearchVector(labels_expression(document), weight="D", config="danish")
    return vector


def matches(queryset: QuerySet, text: str, document: Document) -> Q:
    """A condition for the records whose text matches `text` in Danish, unranked, to combine
    with other conditions (the project list's substring match)."""
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVectorExact

        query = SearchQuery(text, config="danish", search_type="websearch")
        return Q(SearchVectorExact(postgresql_vector(document), query))
    if vendor != "sqlite":
        return Q(pk__in=[])
    query = parse(text)
    if not query.groups:
        return Q(pk__in=[])
    return Q(pk__in=_matching(document, _fts5_query(query), connections[queryset.db]))


def _search_postgresql(queryset, text, document):
    from django.contrib.postgres.search import SearchQuery, SearchRank

    vector = postgresql_vector(document)
    query = SearchQuery(text, config="danish", search_type="websearch")
    return (
        queryset.annotate(search=vector, rank=SearchRank(vector, query))
        .filter(search=query)
        .order_by("-rank", *document.order)
    )


def _matching(document: Document, match: str, connection) -> RawSQL:
    table = connection.ops.quote_name(document.table)
    return RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", (match,))


def _fts5_query(query: ParsedQuery) -> str:
    match = fts5_match(query.groups)
    if query.excluded:
        match = f"({match}) NOT {fts5_match([query.excluded])}"
    return match


def _search_sqlite(queryset, text, document):
    query = parse(text)
    connection = connections[queryset.db]
    if not query.groups:
        if not query.excluded:
            return queryset.none()  # only stop words: PostgreSQL finds nothing either
        excluded = _matching(document, fts5_match([query.excluded]), connection)
        return queryset.exclude(pk__in=excluded).order_by(*document.order)
    quote = connection.ops.quote_name
    table = quote(document.table)
    records = f"{quote(queryset.model._meta.db_table)}.{quote(queryset.model._meta.pk.column)}"
    weights = ", ".join(repr(weight) for weight in document.weights)
    # The search table joined to the records by rowid: one pass of the full-text index, ranked
    # by bm25 with PostgreSQL's weights (negated: higher is better, as PostgreSQL's rank). An
    # expression cannot add a table to FROM, and a correlated subquery would run the full-text
    # query, and bm25's statistics over the whole table, once for every record.
    return queryset.extra(
        select={"rank": f"-bm25({table}, {weights})"},
        tables=[document.table],
        where=[f"{table}.rowid = {records}", f"{table} MATCH %s"],
        params=[_fts5_query(query)],
    ).order_by("-rank", *document.order)


def _search_substring(queryset, text, document):
    condition = Q()
    for name, _weight in document.fields:
        condition |= Q(**{f"{name}__icontains": text})
    return queryset.filter(condition).order_by(*document.order)


# Keeping SQLite's search tables up to date --------------------------------------------------


def _document_for(model) -> Document | None:
    for document in DOCUMENTS:
        if model._meta.label_lower == document.model._meta.label_lower:
            return document
    return None


def _row(document: Document, pk: int, values: dict) -> tuple:
    text = [" ".join(stems(values[name])) for name, _weight in document.fields]
    if document.label_field:
        labels = label_text(document.choices, values[document.label_field])
        text.append(" ".join(stems(labels)))
    return (pk, *text)


def _write(document: Document, rows: list[tuple], connection) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(document.table)
    columns = ", ".join(connection.ops.quote_name(column) for column in document.columns)
    placeholders = ", ".join(["%s"] * (len(document.columns) + 1))
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {table} WHERE rowid = %s", [(row[0],) for row in rows])
        cursor.executemany(f"INSERT INTO {table} (rowid, {columns}) VALUES ({placeholders})", rows)


def _uses_tables(connection) -> bool:
    return connection.vendor == "sqlite"


def index_records(records: Iterable[Model], using: str = "default") -> None:
    """(Re)write the search rows of these lessons or legal questions, e.g. after a bulk insert,
    which sends no signals."""
    connection = connections[using]
    if not _uses_tables(connection):
        return
    by_document: dict[str, list[tuple]] = {}
    for record in records:
        document = _document_for(type(record))
        if document is not None:
            values = {name: getattr(record, name) for name in document.columns}
            by_document.setdefault(document.table, []).append(_row(document, record.pk, values))
    for document in DOCUMENTS:
        _write(document, by_document.get(document.table, []), connection)


def fill(document: Document, model, connection, pks: Iterable[int] | None = None) -> None:
    """Write the search rows of `model`'s records (the current model or the one a migration
    hands over), all of them or those in `pks`."""
    rows = model._base_manager.using(connection.alias).order_by("pk")
    if pks is not None:
        rows = rows.filter(pk__in=list(pks))
    batch = []
    for values in rows.values("pk", *document.columns).iterator(chunk_size=2000):
        batch.append(_row(document, values["pk"], values))
        if len(batch) >= 2000:
            _write(document, batch, connection)
            batch = []
    _write(document, batch, connection)


def create_tables(connection) -> None:
    for document in DOCUMENTS:
        table = connection.ops.quote_name(document.table)
        columns = ", ".join(connection.ops.quote_name(column) for column in document.columns)
        # Diacritics are kept: æ, ø and å are letters of their own in Danish.
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5({columns},"
                " tokenize = 'unicode61 remove_diacritics 0')"
            )


def drop_tables(connection) -> None:
    with connection.cursor() as cursor:
        for document in DOCUMENTS:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(document.table)}")


def synchronise(using: str = "default") -> None:
    """Bring SQLite's search tables in line with the records: rows of records no longer there
    are removed (a flush of the database sends no delete signals) and records without a row
    get one. Cheap when nothing is missing."""
    connection = connections[using]
    if not _uses_tables(connection):
        return
    existing = set(connection.introspection.table_names())
    for document in DOCUMENTS:
        if document.table not in existing:
            continue
        table = connection.ops.quote_name(document.table)
        source = connection.ops.quote_name(document.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE rowid NOT IN (SELECT id FROM {source})")
            cursor.execute(f"SELECT id FROM {source} WHERE id NOT IN (SELECT rowid FROM {table})")
            missing = [pk for (pk,) in cursor.fetchall()]
        if missing:
            fill(document, document.model, connection, missing)


def _saved(sender, instance, using, **kwargs):
    index_records([instance], using)


def _deleted(sender, instance, using, **kwargs):
    connection = connections[using]
    document = _document_for(sender)
    if document is None or not _uses_tables(connection):
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(document.table)} WHERE rowid = %s",
            [instance.pk],
        )


def _migrated(sender, using="default", **kwargs):
    synchronise(using)


def connect_signals(app_config) -> None:
    from django.db.models.signals import post_delete, post_migrate, post_save

    for document in DOCUMENTS:
        name = document.model._meta.label_lower
        post_save.connect(_saved, sender=document.model, dispatch_uid=f"search-{name}")
        post_delete.connect(_deleted, sender=document.model, dispatch_uid=f"search-d-{name}")
    post_migrate.connect(_migrated, sender=app_config, dispatch_uid="search-synchronise")
