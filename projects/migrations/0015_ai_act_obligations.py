"""Load the AI Act obligation catalogue (projects/fixtures/ai_act_obligations.json) and give
every project the obligations its profile implies. Later versions of the catalogue are loaded
with `manage.py load_obligations`."""

import json
from datetime import date
from pathlib import Path

from django.db import migrations
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

CATALOGUE = Path(__file__).resolve().parent.parent / "fixtures" / "ai_act_obligations.json"
FIELDS = [
    "title_da",
    "title_en",
    "article",
    "source_url",
    "risk_classes",
    "roles",
    "public_bodies_only",
    "annex_iii_only",
    "excluded_annex_iii_areas",
    "phase",
]


def load(apps, schema_editor):
    Obligation = apps.get_model("projects", "Obligation")
    Project = apps.get_model("projects", "Project")
    Phase = apps.get_model("projects", "Phase")
    ProjectObligation = apps.get_model("projects", "ProjectObligation")
    document = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    for item in document["obligations"]:
        Obligation.objects.update_or_create(
            code=item["code"],
            defaults={
                **{field: item[field] for field in FIELDS},
                "applies_from": date.fromisoformat(item["applies_from"]),
                "catalogue_version": document["version"],
            },
        )
    # The same rule as projects.models.compliance.applicability, frozen here.
    implementation_end = (
        Phase.objects.filter(project=OuterRef("pk"), kind="implementation")
        .exclude(planned_end_on=None)
        .order_by("-started_on", "-id")
        .values("planned_end_on")[:1]
    )
    now = timezone.now()
    for obligation in Obligation.objects.all():
        condition = Q()
        if obligation.risk_classes:
            condition &= Q(ai_act_risk_class__in=obligation.risk_classes)
        if obligation.roles:
            condition &= Q(ai_act_role__in=obligation.roles)
        if obligation.public_bodies_only:
            condition &= ~Q(lead_organisation__kind="other")
        if obligation.annex_iii_only:
            condition &= ~Q(annex_iii_area="")
        if obligation.excluded_annex_iii_areas:
            condition &= ~Q(annex_iii_area__in=obligation.excluded_annex_iii_areas)
        rows = (
            Project.objects.filter(condition)
            .exclude(obligations__obligation=obligation)
            .annotate(go_live=Coalesce(Subquery(implementation_end), "planned_end_date"))
            .values_list("pk", "go_live")
        )
        ProjectObligation.objects.bulk_create(
            [
                ProjectObligation(
                    project_id=project_id,
                    obligation=obligation,
                    due_on=min(obligation.applies_from, go_live or obligation.applies_from),
                    created_at=now,
                    updated_at=now,
                )
                for project_id, go_live in rows
            ],
            batch_size=1000,
        )


def unload(apps, schema_editor):
    apps.get_model("projects", "ProjectObligation").objects.all().delete()
    apps.get_model("projects", "Obligation").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0014_compliance"),
    ]

    operations = [migrations.RunPython(load, unload)]
