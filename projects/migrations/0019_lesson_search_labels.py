from django.db import migrations

# The lessons' index on PostgreSQL covers the category's labels too, as the library's search
# (projects.search.postgresql_vector(LESSONS)) now searches them; without this the search reads
# every lesson instead of the index.

LESSON_DOCUMENT_WITHOUT_CATEGORY = (
    "((setweight(to_tsvector('danish'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('danish'::regconfig, COALESCE(advice, '')), 'B'))"
    " || setweight(to_tsvector('danish'::regconfig, COALESCE(what_happened, '')), 'C'))"
)


def _lesson_document(schema_editor) -> str:
    """The expression `projects.search.postgresql_vector(LESSONS)` builds, as SQL."""
    from projects.search import LESSONS, label_text

    quote = schema_editor.quote_value
    cases = " ".join(
        f"WHEN category = {quote(value)} THEN {quote(label_text(LESSONS.choices, value))}"
        for value in LESSONS.choices.values
    )
    return (
        "(((setweight(to_tsvector('danish'::regconfig, COALESCE(title, '')), 'A')"
        " || setweight(to_tsvector('danish'::regconfig, COALESCE(advice, '')), 'B'))"
        " || setweight(to_tsvector('danish'::regconfig, COALESCE(what_happened, '')), 'C'))"
        f" || setweight(to_tsvector('danish'::regconfig, COALESCE(CASE {cases} ELSE '' END, '')),"
        " 'D'))"
    )


def _replace_lesson_index(schema_editor, document: str) -> None:
    schema_editor.execute("DROP INDEX IF EXISTS lesson_search_danish")
    schema_editor.execute(
        f"CREATE INDEX lesson_search_danish ON projects_lessonlearned USING gin ({document})"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _replace_lesson_index(schema_editor, _lesson_document(schema_editor))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _replace_lesson_index(schema_editor, LESSON_DOCUMENT_WITHOUT_CATEGORY)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0018_sqlite_danish_search"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
