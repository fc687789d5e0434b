from django.db import migrations

# The Danish full-text document of a legal question; the same expression the library's search
# builds (projects.filters.search_legal_questions), so that PostgreSQL answers it from this
# index.
LEGAL_QUESTION_DOCUMENT = (
    "(setweight(to_tsvector('danish'::regconfig, COALESCE(question, '')), 'A')"
    " || setweight(to_tsvector('danish'::regconfig, COALESCE(answer, '')), 'B'))"
)


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS legal_question_search_danish"
            f" ON projects_legalquestion USING gin ({LEGAL_QUESTION_DOCUMENT})"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS legal_question_search_danish")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0015_ai_act_obligations"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
    ]
