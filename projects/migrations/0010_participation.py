"""Participating organisations get a model of their own (the table stays), so that each says
whether it was a partner in the pilot or joined later to adopt the solution."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0009_lesson_visibility_labels"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Participation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "project",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="projects.project",
                                verbose_name="project",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="projects.organisation",
                                verbose_name="organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "projects_project_participants",
                        "unique_together": {("project", "organisation")},
                    },
                ),
                migrations.AlterField(
                    model_name="project",
                    name="participants",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="participating_projects",
                        through="projects.Participation",
                        to="projects.organisation",
                        verbose_name="participating organisations",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="participation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("partner", "Partner in the pilot"),
                    ("adopter", "Joined to adopt the solution"),
                ],
                default="partner",
                max_length=20,
                verbose_name="taking part as",
            ),
        ),
        migrations.AddField(
            model_name="participation",
            name="created_at",
            field=models.DateTimeField(
                auto_now_add=True, default=django.utils.timezone.now, verbose_name="created"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="participation",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated"),
        ),
        migrations.AlterModelOptions(
            name="participation",
            options={
                "ordering": ["project", "organisation__name"],
                "verbose_name": "participating organisation",
                "verbose_name_plural": "participating organisations",
            },
        ),
        migrations.AddConstraint(
            model_name="participation",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["partner", "adopter"])),
                name="participation_kind_valid",
            ),
        ),
    ]
