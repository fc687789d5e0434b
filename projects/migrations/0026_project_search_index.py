from django.db import migrations

# The portfolio's text search on PostgreSQL matches the projects' Danish document
# (projects.search.postgresql_vector(PROJECTS)); this index holds exactly that expression, so
# that the match reads the index rather than stemming every project's title and summary.

PROJECT_DOCUMENT = (
    "(setweight(to_tsvector('danish'::regconfig, COALESCE(title, '')), 'A')"
    " || setweight(to_tsvector('danish'::regconfig, COALESCE(summary, '')), 'B'))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS project_search_danish ON projects_project "
            f"USING gin ({PROJECT_DOCUMENT})"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS project_search_danish")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0025_notifications"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
