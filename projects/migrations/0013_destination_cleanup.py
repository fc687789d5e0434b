"""The old benefit figures and the suppliers' free text have moved to indicators and
supplier records (0012); a closed project now always says why."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0012_destination_data"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="project",
            name="project_expected_hours_per_year_not_negative",
        ),
        migrations.RemoveConstraint(
            model_name="project",
            name="project_realised_hours_per_year_not_negative",
        ),
        migrations.RemoveConstraint(
            model_name="project",
            name="project_expected_dkk_per_year_not_negative",
        ),
        migrations.RemoveConstraint(
            model_name="project",
            name="project_realised_dkk_per_year_not_negative",
        ),
        migrations.RemoveField(
            model_name="project",
            name="expected_dkk_per_year",
        ),
        migrations.RemoveField(
            model_name="project",
            name="expected_hours_per_year",
        ),
        migrations.RemoveField(
            model_name="project",
            name="realised_dkk_per_year",
        ),
        migrations.RemoveField(
            model_name="project",
            name="realised_hours_per_year",
        ),
        migrations.RemoveField(
            model_name="project",
            name="suppliers",
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("outcome__in", ["closed", "stopped"]), _negated=True),
                    models.Q(("closing_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="project_closed_with_reason",
            ),
        ),
    ]
