import django.core.validators
import django.db.models.deletion
import projects.models.register
import projects.models.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("projects", "0019_lesson_search_labels"),
    ]

    operations = [
        migrations.CreateModel(
            name="RegisterRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="A name that says what the algorithm does, understandable to outsiders.",
                        max_length=100,
                        verbose_name="name of the algorithm",
                    ),
                ),
                (
                    "description_short",
                    projects.models.text.LimitedTextField(
                        help_text="Two or three sentences in plain language: what the algorithm does and in which task it is used. Shown in the register's search results.",
                        max_length=350,
                        verbose_name="short description",
                    ),
                ),
                (
                    "category",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="The policy areas the algorithm is used in (at most three).",
                        verbose_name="themes",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("in_development", "In development"),
                            ("in_use", "In use"),
                            ("out_of_use", "Out of use"),
                        ],
                        default="in_development",
                        help_text="If the algorithm is both in development and in use, choose “In use”.",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "begin_date",
                    models.CharField(
                        blank=True,
                        help_text="The month the algorithm was taken into use, for example 2024-03.",
                        max_length=7,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^\\d{4}-(0[1-9]|1[0-2])$",
                                "Write the month as year and month, for example 2024-03.",
                            )
                        ],
                        verbose_name="in use since",
                    ),
                ),
                (
                    "end_date",
                    models.CharField(
                        blank=True,
                        help_text="The month the algorithm was taken out of use. Empty while it is in use.",
                        max_length=7,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^\\d{4}-(0[1-9]|1[0-2])$",
                                "Write the month as year and month, for example 2024-03.",
                            )
                        ],
                        verbose_name="out of use since",
                    ),
                ),
                (
                    "contact_email",
                    models.CharField(
                        help_text="An e-mail address or a web address (https://) where citizens and journalists can ask about the algorithm and its results.",
                        max_length=500,
                        validators=[projects.models.register.validate_contact],
                        verbose_name="contact",
                    ),
                ),
                (
                    "website",
                    models.URLField(
                        blank=True,
                        help_text="The organisation's own page about the task the algorithm is used in.",
                        max_length=500,
                        verbose_name="public web page",
                    ),
                ),
                (
                    "publication_category",
                    models.CharField(
                        choices=[
                            ("high_risk_ai", "High-risk AI system"),
                            ("impactful", "Impactful algorithm"),
                            ("other", "Other algorithm"),
                        ],
                        default="other",
                        help_text="High-risk AI system (under the AI Act), impactful algorithm (it affects citizens or businesses), or other algorithm.",
                        max_length=20,
                        verbose_name="publication category",
                    ),
                ),
                (
                    "url",
                    models.URLField(
                        blank=True,
                        help_text="If the organisation keeps its own algorithm register, the entry there.",
                        max_length=500,
                        verbose_name="link to the organisation's own register",
                    ),
                ),
                (
                    "goal",
                    projects.models.text.LimitedTextField(
                        blank=True,
                        help_text="What the algorithm is meant to achieve, and how citizens and businesses come into contact with it when it works as intended.",
                        max_length=2500,
                        verbose_name="purpose and impact",
                    ),
                ),
                (
                    "proportionality",
                    projects.models.text.LimitedTextField(
                        blank=True,
                        help_text="The advantages and disadvantages of using the algorithm, the alternatives considered, and why its use is justified.",
                        max_length=2500,
                        verbose_name="considerations",
                    ),
                ),
                (
                    "human_intervention",
                    projects.models.text.LimitedTextField(
                        blank=True,
                        help_text="How people use, check and correct the algorithm's results — or that nobody does.",
                        max_length=2500,
                        verbose_name="human intervention",
                    ),
                ),
                (
                    "risks",
                    projects.models.text.LimitedTextField(
                        blank=True,
                        help_text="The risks you have identified (for example discrimination or errors) and how you handle them.",
                        max_length=2500,
                        verbose_name="risk management",
                    ),
                ),
                (
                    "lawful_basis",
                    projects.models.text.LimitedTextField(
                        blank=True,
                        help_text="The law the task rests on, and what that law is for, in plain words.",
                        max_length=2500,
                        verbose_name="legal basis",
                    ),
                ),
                (
                    "lawful_basis_grouping",
                    models.JSONField(
                        blank=True, default=list, verbose_name="links to the legal basis"
                    ),
                ),
                (
                    "process_index_url",
                    models.URLField(
                        blank=True,
                        help_text="The public part of the GDPR record of processing activities, if there is one.",
                        max_length=500,
                        verbose_name="link to the record of processing",
                    ),
                ),
                (
                    "impacttoetsen_grouping",
                    models.JSONField(blank=True, default=list, verbose_name="impact assessments"),
                ),
                (
                    "impacttoetsen",
                    projects.models.text.LimitedTextField(
                        blank=True,
                        help_text="Why an impact assessment (such as a DPIA) was not needed or not made, if so.",
                        max_length=2500,
                        verbose_name="about the impact assessments",
                    ),
                ),
                (
                    "source_data",
                    projects.models.text.LimitedTextField(
                        blank=True,
                        help_text="The data the algorithm uses or was built with, and where it comes from; which kinds of personal data, if any.",
                        max_length=2500,
                        verbose_name="data",
                    ),
                ),
                (
                    "source_data_grouping",
                    models.JSONField(
                        blank=True, default=list, verbose_name="links to the data sources"
                    ),
                ),
                (
                    "methods_and_models",
                    projects.models.text.LimitedTextField(
                        blank=True,
                        help_text="How the algorithm works: its input, method and output, and whether it learns by itself. This field may be technical.",
                        max_length=5000,
                        verbose_name="technical design",
                    ),
                ),
                (
                    "developed_in_house",
                    models.BooleanField(
                        default=False,
                        help_text="The organisation built the algorithm itself, without an external supplier.",
                        verbose_name="developed in-house",
                    ),
                ),
                (
                    "provider",
                    models.CharField(
                        blank=True,
                        help_text="The external supplier of the algorithm, if any.",
                        max_length=200,
                        verbose_name="supplier",
                    ),
                ),
                (
                    "publiccode",
                    models.URLField(
                        blank=True,
                        help_text="Only if the source code is public.",
                        max_length=500,
                        verbose_name="link to the source code",
                    ),
                ),
                (
                    "tags",
                    projects.models.text.LimitedTextField(
                        blank=True,
                        help_text="Words people may search for, separated by commas.",
                        max_length=2500,
                        verbose_name="search terms",
                    ),
                ),
                (
                    "senior_responsible_owner",
                    models.CharField(
                        blank=True,
                        help_text="The name and role of the person responsible for the algorithm's use.",
                        max_length=200,
                        verbose_name="senior responsible owner",
                    ),
                ),
                (
                    "procurement_procedure_type",
                    models.CharField(
                        blank=True,
                        help_text="How the supplier was contracted, for example an open tender or a framework.",
                        max_length=200,
                        verbose_name="procurement route",
                    ),
                ),
                (
                    "frequency_and_scale_of_usage",
                    projects.models.text.LimitedTextField(
                        blank=True,
                        help_text="How often the algorithm is used and for how many people or cases.",
                        max_length=2000,
                        verbose_name="frequency and scale of use",
                    ),
                ),
                (
                    "appeals_and_review",
                    projects.models.text.LimitedTextField(
                        blank=True,
                        help_text="How a citizen can complain about or appeal a decision the algorithm took part in.",
                        max_length=2000,
                        verbose_name="complaints and appeals",
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("submitted", "Submitted for review"),
                            ("returned", "Returned for changes"),
                            ("approved", "Approved, not yet published"),
                            ("published", "Published"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="draft",
                        editable=False,
                        max_length=20,
                        verbose_name="state",
                    ),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="submitted at"
                    ),
                ),
                (
                    "approved_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="approved at"
                    ),
                ),
                (
                    "returned_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="returned at"
                    ),
                ),
                (
                    "return_note",
                    projects.models.text.LimitedTextField(
                        blank=True,
                        editable=False,
                        max_length=2000,
                        verbose_name="note to the project",
                    ),
                ),
                (
                    "published_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="published at"
                    ),
                ),
                (
                    "withdrawn_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="withdrawn at"
                    ),
                ),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="approved by",
                    ),
                ),
                (
                    "project",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="register_record",
                        to="projects.project",
                        verbose_name="project",
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="published by",
                    ),
                ),
                (
                    "returned_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="returned by",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="submitted by",
                    ),
                ),
                (
                    "withdrawn_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="withdrawn by",
                    ),
                ),
            ],
            options={
                "verbose_name": "register record",
                "verbose_name_plural": "register records",
                "ordering": ["name", "id"],
            },
        ),
        migrations.CreateModel(
            name="RegisterSnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField(verbose_name="version")),
                ("data", models.JSONField(verbose_name="published content")),
                ("name", models.CharField(max_length=100, verbose_name="name of the algorithm")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("in_development", "In development"),
                            ("in_use", "In use"),
                            ("out_of_use", "Out of use"),
                        ],
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "publication_category",
                    models.CharField(
                        choices=[
                            ("high_risk_ai", "High-risk AI system"),
                            ("impactful", "Impactful algorithm"),
                            ("other", "Other algorithm"),
                        ],
                        max_length=20,
                        verbose_name="publication category",
                    ),
                ),
                ("themes", models.CharField(blank=True, max_length=300, verbose_name="themes")),
                ("search_text", models.TextField(blank=True, verbose_name="search text")),
                ("published_at", models.DateTimeField(verbose_name="published at")),
                (
                    "withdrawn_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="withdrawn at"),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="projects.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="published by",
                    ),
                ),
                (
                    "record",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="snapshots",
                        to="projects.registerrecord",
                        verbose_name="register record",
                    ),
                ),
                (
                    "withdrawn_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="withdrawn by",
                    ),
                ),
            ],
            options={
                "verbose_name": "published register version",
                "verbose_name_plural": "published register versions",
                "ordering": ["record_id", "-version"],
            },
        ),
        migrations.AddField(
            model_name="registerrecord",
            name="public_snapshot",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="public_for",
                to="projects.registersnapshot",
                verbose_name="published version",
            ),
        ),
        migrations.AddIndex(
            model_name="registersnapshot",
            index=models.Index(fields=["published_at"], name="register_snapshot_published"),
        ),
        migrations.AddIndex(
            model_name="registersnapshot",
            index=models.Index(fields=["name", "id"], name="register_snapshot_name_idx"),
        ),
        migrations.AddConstraint(
            model_name="registersnapshot",
            constraint=models.UniqueConstraint(
                fields=("record", "version"), name="register_snapshot_version_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="registersnapshot",
            constraint=models.CheckConstraint(
                condition=models.Q(("version__gte", 1)), name="register_snapshot_version_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="registersnapshot",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("withdrawn_at__isnull", True), ("withdrawn_by__isnull", True)),
                    models.Q(("withdrawn_at__isnull", False), ("withdrawn_by__isnull", False)),
                    _connector="OR",
                ),
                name="register_snapshot_withdrawn_with_actor",
            ),
        ),
        migrations.AddConstraint(
            model_name="registerrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "state__in",
                        ["draft", "submitted", "returned", "approved", "published", "withdrawn"],
                    )
                ),
                name="register_record_state_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="registerrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["in_development", "in_use", "out_of_use"])),
                name="register_record_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="registerrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("publication_category__in", ["high_risk_ai", "impactful", "other"])
                ),
                name="register_record_publication_category_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="registerrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("state", "published"), _negated=True),
                    ("public_snapshot__isnull", False),
                    _connector="OR",
                ),
                name="register_record_published_with_snapshot",
            ),
        ),
        migrations.AddConstraint(
            model_name="registerrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("state", "withdrawn"), _negated=True),
                    ("public_snapshot__isnull", True),
                    _connector="OR",
                ),
                name="register_record_withdrawn_not_public",
            ),
        ),
        migrations.AddConstraint(
            model_name="registerrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("state__in", ["approved", "published"]), _negated=True),
                    ("approved_at__isnull", False),
                    _connector="OR",
                ),
                name="register_record_published_approved",
            ),
        ),
        migrations.AddConstraint(
            model_name="registerrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("state", "returned"), _negated=True),
                    models.Q(("return_note", ""), _negated=True),
                    _connector="OR",
                ),
                name="register_record_returned_with_note",
            ),
        ),
        migrations.AddConstraint(
            model_name="registerrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("begin_date", ""),
                    ("end_date", ""),
                    ("end_date__gte", models.F("begin_date")),
                    _connector="OR",
                ),
                name="register_record_end_not_before_begin",
            ),
        ),
    ]
