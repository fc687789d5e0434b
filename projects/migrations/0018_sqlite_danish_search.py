from django.db import migrations

# Danish search on both databases (projects.search). On SQLite: the FTS5 tables holding the
# stemmed text of lessons, legal questions and projects, filled from the records already there. On
# PostgreSQL: the legal questions' index now covers the legal area's labels too, so that the
# library's search (which searches them) is still answered from it.

LEGAL_QUESTION_DOCUMENT_WITHOUT_AREA = (
    "(setweight(to_tsvector('danish'::regconfig, COALESCE(question, '')), 'A')"
    " || setweight(to_tsvector('danish'::regconfig, COALESCE(answer, '')), 'B'))"
)


def _legal_question_document(schema_editor) -> str:
    """The expression `projects.search.postgresql_vector(LEGAL_QUESTIONS)` builds, as SQL."""
    from projects.search import LEGAL_QUESTIONS, label_text

    quote = schema_editor.quote_value
    cases = " ".join(
        f"WHEN legal_area = {quote(value)} THEN {quote(label_text(LEGAL_QUESTIONS.choices, value))}"
        for value in LEGAL_QUESTIONS.choices.values
    )
    return (
        "(setweight(to_tsvector('danish'::regconfig, COALESCE(question, '')), 'A')"
        " || setweight(to_tsvector('danish'::regconfig, COALESCE(answer, '')), 'B')"
        f" || setweight(to_tsvector('danish'::regconfig, COALESCE(CASE {cases} ELSE '' END, '')),"
        " 'D'))"
    )


def _replace_legal_index(schema_editor, document: str) -> None:
    schema_editor.execute("DROP INDEX IF EXISTS legal_question_search_danish")
    schema_editor.execute(
        f"CREATE INDEX legal_question_search_danish ON projects_legalquestion USING gin ({document})"
    )


def forwards(apps, schema_editor):
    from projects import search

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        _replace_legal_index(schema_editor, _legal_question_document(schema_editor))
    elif connection.vendor == "sqlite":
        search.create_tables(connection)
        search.fill(search.LESSONS, apps.get_model("projects", "LessonLearned"), connection)
        search.fill(search.LEGAL_QUESTIONS, apps.get_model("projects", "LegalQuestion"), connection)
        search.fill(search.PROJECTS, apps.get_model("projects", "Project"), connection)


def backwards(apps, schema_editor):
    from projects import search

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        _replace_legal_index(schema_editor, LEGAL_QUESTION_DOCUMENT_WITHOUT_AREA)
    elif connection.vendor == "sqlite":
        search.drop_tables(connection)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0017_barrier_escalation"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
