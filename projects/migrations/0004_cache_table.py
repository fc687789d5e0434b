from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    """The database cache's table, so that every `migrate` leaves a working cache."""

    dependencies = [("projects", "0003_help_requested_and_title_index")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
