"""Carry the existing figures into the new structure, keeping every value:

- the four benefit figures become indicators of the lead organisation (hours freed and kroner
  saved per year, from a baseline of 0 before the solution), the expected figure as the
  target and the realised one as a measurement;
- the suppliers' free text becomes supplier records, one per line or semicolon;
- a project in operation or scaled gets the lead organisation's decision to run it;
- a closed or stopped project says why ("other", with its outcome note as the explanation).
"""

from datetime import date
from decimal import Decimal

from django.db import migrations
from django.utils import timezone

MIGRATED = "Overført fra projektets tidligere gevinsttal."
BASELINE_METHOD = "Gevinsten før løsningen blev taget i brug sættes til 0. " + MIGRATED
MEASUREMENT_METHOD = "Projektets senest indberettede realiserede gevinst. " + MIGRATED
NO_REASON_RECORDED = "Årsagen blev ikke registreret, før årsagskategorierne blev indført."
# As refresh_derived stores it: each indicator's realisation rounded to a tenth, their average
# rounded again and kept within what the column holds.
PERCENT_LIMIT = Decimal("99999999.9")
TENTH = Decimal("0.1")


def _stored_percent(percent: Decimal) -> Decimal:
    return max(-PERCENT_LIMIT, min(PERCENT_LIMIT, percent.quantize(TENTH)))


FIGURES = [
    # kind, title, expected field, realised field
    ("hours", "Frigjorte timer om året", "expected_hours_per_year", "realised_hours_per_year"),
    ("dkk", "Sparede kroner om året", "expected_dkk_per_year", "realised_dkk_per_year"),
]


def _supplier_names(text: str) -> list[str]:
    names = []
    for line in text.replace(";", "\n").splitlines():
        name = line.strip().rstrip(".").strip()[:200]
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    return names


def forwards(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Phase = apps.get_model("projects", "Phase")
    BenefitIndicator = apps.get_model("projects", "BenefitIndicator")
    BenefitMeasurement = apps.get_model("projects", "BenefitMeasurement")
    Supplier = apps.get_model("projects", "Supplier")
    ProjectSupplier = apps.get_model("projects", "ProjectSupplier")
    OperationDecision = apps.get_model("projects", "OperationDecision")

    suppliers = {s.name.lower(): s for s in Supplier.objects.all()}
    today = timezone.localdate()
    for project in Project.objects.all().iterator():
        # Dates of the past only: a project planned to start later has its baseline today.
        started = min(project.start_date or project.created_at.date(), today)
        reported: date = min(
            max(started, project.last_status_on or project.updated_at.date()), today
        )
        percents = []
        for kind, title, expected_field, realised_field in FIGURES:
            expected = getattr(project, expected_field)
            realised = getattr(project, realised_field)
            if expected is None and realised is None:
                continue
            measured_on = reported
            indicator = BenefitIndicator.objects.create(
                project=project,
                organisation_id=project.lead_organisation_id,
                kind=kind,
                title=title,
                baseline_value=Decimal(0),
                baseline_on=started,
                baseline_method=BASELINE_METHOD,
                target_value=expected,
                target_on=project.planned_end_date
                if project.planned_end_date and project.planned_end_date >= started
                else None,
                owner=project.project_owner,
                latest_value=realised,
                latest_on=measured_on if realised is not None else None,
            )
            if realised is not None:
                BenefitMeasurement.objects.create(
                    indicator=indicator,
                    project=project,
                    measured_on=measured_on,
                    value=realised,
                    method=MEASUREMENT_METHOD,
                )
                if expected:
                    percents.append((Decimal(realised) / Decimal(expected) * 100).quantize(TENTH))

        for name in _supplier_names(project.suppliers):
            supplier = suppliers.get(name.lower())
            if supplier is None:
                supplier = suppliers[name.lower()] = Supplier.objects.create(name=name)
            ProjectSupplier.objects.get_or_create(project=project, supplier=supplier, role="other")

        changes = {}
        if percents:
            changes["realisation_percent"] = _stored_percent(sum(percents) / len(percents))
        if project.outcome in ("in_operation", "scaled"):
            operation = (
                Phase.objects.filter(project=project, kind="operation")
                .order_by("started_on")
                .first()
            )
            decided = (
                Phase.objects.filter(project=project, kind="implementation")
                .exclude(decided_on=None)
                .order_by("-decided_on")
                .first()
            )
            OperationDecision.objects.get_or_create(
                project=project,
                organisation_id=project.lead_organisation_id,
                defaults={
                    "decision": "in_operation",
                    "decided_on": operation.started_on if operation else reported,
                    "decided_by": decided.decided_by if decided else "",
                },
            )
        if project.outcome in ("closed", "stopped") and not project.closing_reason:
            changes["closing_outcome"] = project.outcome
            changes["closing_reason"] = "other"
            if not project.outcome_note.strip():
                changes["outcome_note"] = NO_REASON_RECORDED
        if changes:
            Project.objects.filter(pk=project.pk).update(**changes)


def backwards(apps, schema_editor):
    """Put the figures and the suppliers' text back on the project."""
    Project = apps.get_model("projects", "Project")
    BenefitIndicator = apps.get_model("projects", "BenefitIndicator")
    ProjectSupplier = apps.get_model("projects", "ProjectSupplier")
    for project in Project.objects.all().iterator():
        changes = {}
        for kind, _title, expected_field, realised_field in FIGURES:
            indicator = (
                BenefitIndicator.objects.filter(
                    project=project, organisation_id=project.lead_organisation_id, kind=kind
                )
                .order_by("id")
                .first()
            )
            if indicator is not None:
                changes[expected_field] = indicator.target_value
                changes[realised_field] = indicator.latest_value
        names = (
            ProjectSupplier.objects.filter(project=project)
            .order_by("id")
            .values_list("supplier__name", flat=True)
        )
        if names:
            changes["suppliers"] = "; ".join(dict.fromkeys(names))
        if project.outcome_note == NO_REASON_RECORDED:
            changes["outcome_note"] = ""
        if changes:
            Project.objects.filter(pk=project.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0011_destination"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
