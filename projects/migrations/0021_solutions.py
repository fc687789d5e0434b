import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import projects.models.text
import projects.numbers

ADOPTION_STAGES = [
    ("interested", "Interested"),
    ("assessing", "Assessing"),
    ("piloting", "Piloting"),
    ("in_operation", "In operation"),
    ("stopped", "Stopped"),
]
STOP_REASONS = [
    ("no_legal_basis", "No legal basis for operation"),
    ("data_protection", "GDPR / data protection"),
    ("data", "Data quality or access"),
    ("regulation", "Medical-device or AI Act requirements"),
    ("business_case", "Business case / value too small"),
    ("supplier", "Supplier or licence"),
    ("capacity", "Organisational capacity or competence"),
    ("integration", "Technical integration"),
    ("other", "Other"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0020_register"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Solution",
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
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "description",
                    projects.models.text.LimitedTextField(
                        max_length=5000, verbose_name="description"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("software", "Software"),
                            ("model", "Trained model"),
                            ("process", "Process or method"),
                            ("tender", "Contract or tender material"),
                            ("impact_template", "DPIA/FRIA template"),
                            ("legal_memo", "Legal memo"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "licence",
                    models.CharField(
                        blank=True,
                        help_text="For example EUPL-1.2, MIT or CC BY 4.0; or proprietary.",
                        max_length=100,
                        verbose_name="licence",
                    ),
                ),
                (
                    "link",
                    models.URLField(
                        blank=True, max_length=500, verbose_name="link to the code or material"
                    ),
                ),
                (
                    "publiccode_url",
                    models.URLField(
                        blank=True,
                        help_text="A link to the solution's publiccode.yml file, the standard description of public software for reuse, if it has one.",
                        max_length=500,
                        verbose_name="publiccode.yml link",
                    ),
                ),
                (
                    "maturity",
                    models.CharField(
                        choices=[
                            ("concept", "Idea or concept"),
                            ("pilot", "Pilot"),
                            ("production_one", "In production in one organisation"),
                            ("production_several", "In production in several organisations"),
                            ("product", "Maintained product"),
                            ("obsolete", "Retired"),
                        ],
                        max_length=20,
                        verbose_name="maturity",
                    ),
                ),
                (
                    "maintenance",
                    models.CharField(
                        choices=[
                            ("internal", "The owner organisation itself"),
                            ("contract", "A supplier under contract"),
                            ("community", "A community of users"),
                            ("none", "Nobody"),
                        ],
                        max_length=20,
                        verbose_name="maintained by",
                    ),
                ),
                (
                    "maintenance_contact",
                    models.CharField(
                        blank=True,
                        help_text="A name, a team or an e-mail address to ask about the solution.",
                        max_length=200,
                        verbose_name="maintenance contact",
                    ),
                ),
                (
                    "prerequisites",
                    projects.models.text.LimitedTextField(
                        blank=True,
                        help_text="The data, systems and integrations an adopting organisation needs.",
                        max_length=2000,
                        verbose_name="prerequisites",
                    ),
                ),
                (
                    "running_cost_dkk",
                    projects.numbers.AmountField(
                        blank=True, null=True, verbose_name="running cost (DKK per year)"
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="solutions",
                        to="projects.organisation",
                        verbose_name="owner organisation",
                    ),
                ),
                (
                    "projects",
                    models.ManyToManyField(
                        blank=True,
                        related_name="solutions",
                        to="projects.project",
                        verbose_name="projects it came out of",
                    ),
                ),
                (
                    "lessons",
                    models.ManyToManyField(
                        blank=True,
                        related_name="solutions",
                        to="projects.lessonlearned",
                        verbose_name="lessons learned",
                    ),
                ),
            ],
            options={
                "verbose_name": "solution",
                "verbose_name_plural": "solutions",
                "ordering": ["title", "pk"],
                "indexes": [models.Index(fields=["maturity"], name="solution_maturity_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "kind__in",
                                [
                                    "software",
                                    "model",
                                    "process",
                                    "tender",
                                    "impact_template",
                                    "legal_memo",
                                ],
                            )
                        ),
                        name="solution_kind_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "maturity__in",
                                [
                                    "concept",
                                    "pilot",
                                    "production_one",
                                    "production_several",
                                    "product",
                                    "obsolete",
                                ],
                            )
                        ),
                        name="solution_maturity_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("maintenance__in", ["internal", "contract", "community", "none"])
                        ),
                        name="solution_maintenance_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("running_cost_dkk__isnull", True),
                            ("running_cost_dkk__gte", 0),
                            _connector="OR",
                        ),
                        name="solution_running_cost_dkk_not_negative",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Adoption",
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
                    "stage",
                    models.CharField(
                        choices=ADOPTION_STAGES,
                        default="interested",
                        max_length=20,
                        verbose_name="stage",
                    ),
                ),
                (
                    "stage_since",
                    models.DateField(
                        default=django.utils.timezone.localdate, verbose_name="stage reached on"
                    ),
                ),
                (
                    "stop_reason",
                    models.CharField(
                        blank=True,
                        choices=STOP_REASONS,
                        help_text="Required when the adoption is stopped.",
                        max_length=20,
                        verbose_name="reason for stopping",
                    ),
                ),
                (
                    "stop_explanation",
                    projects.models.text.LimitedTextField(
                        blank=True, max_length=4000, verbose_name="why it stopped"
                    ),
                ),
                ("contact_name", models.CharField(max_length=200, verbose_name="contact person")),
                (
                    "contact_email",
                    models.EmailField(blank=True, max_length=254, verbose_name="contact e-mail"),
                ),
                (
                    "note",
                    projects.models.text.LimitedTextField(
                        blank=True, max_length=2000, verbose_name="note"
                    ),
                ),
                (
                    "owner_seen_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="seen by the owner at"
                    ),
                ),
                (
                    "solution",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="adoptions",
                        to="projects.solution",
                        verbose_name="solution",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="adoptions",
                        to="projects.organisation",
                        verbose_name="adopting organisation",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "adoption",
                "verbose_name_plural": "adoptions",
                "ordering": ["solution", "organisation__name", "-created_at"],
                "indexes": [
                    models.Index(fields=["organisation", "stage"], name="adoption_org_stage_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("stage", "stopped"), _negated=True),
                        fields=("solution", "organisation"),
                        name="adoption_one_open_per_organisation",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "stage__in",
                                ["interested", "assessing", "piloting", "in_operation", "stopped"],
                            )
                        ),
                        name="adoption_stage_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("stop_reason", ""),
                            (
                                "stop_reason__in",
                                [
                                    "no_legal_basis",
                                    "data_protection",
                                    "data",
                                    "regulation",
                                    "business_case",
                                    "supplier",
                                    "capacity",
                                    "integration",
                                    "other",
                                ],
                            ),
                            _connector="OR",
                        ),
                        name="adoption_stop_reason_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("stage", "stopped"), _negated=True),
                            models.Q(
                                models.Q(("stop_reason", ""), _negated=True),
                                models.Q(("stop_explanation", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="adoption_stopped_has_reason",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AdoptionStageChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "stage",
                    models.CharField(choices=ADOPTION_STAGES, max_length=20, verbose_name="stage"),
                ),
                ("changed_on", models.DateField(verbose_name="reached on")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "adoption",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="stage_changes",
                        to="projects.adoption",
                        verbose_name="adoption",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "adoption stage change",
                "verbose_name_plural": "adoption stage changes",
                "ordering": ["adoption", "changed_on", "pk"],
                "indexes": [
                    models.Index(fields=["stage", "adoption"], name="adoption_change_stage_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "stage__in",
                                ["interested", "assessing", "piloting", "in_operation", "stopped"],
                            )
                        ),
                        name="adoption_change_stage_valid",
                    ),
                ],
            },
        ),
    ]
