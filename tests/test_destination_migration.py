"""The migrations that move the projects' old benefit figures, suppliers' text and outcomes
into indicators, measurements, supplier records and operation decisions keep every value, and
give it back when migrated backwards."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from projects.models import Project, refresh_derived

BEFORE = [("projects", "0009_lesson_visibility_labels")]
NO_REASON_RECORDED = "Årsagen blev ikke registreret, før årsagskategorierne blev indført."

# title: the old benefit figures (expected hours, realised hours, expected DKK, realised DKK)
FIGURES = {
    "I drift": (1200, 300, 500_000, 250_000),
    "Delvist udfyldt": (None, 0, 0, None),
    "Uden gevinsttal": (None, None, None, None),
    "Stoppet med note": (800, None, None, None),
    "Lukket uden note": (None, None, 100_000, 20_000),
    # A target of 1 hour typed by mistake: realised 1.500.000 hours is 150 million per cent.
    "Starter senere": (1, 1_500_000, None, None),
}


def migrate(targets):
    """Migrate the test database to `targets`; the apps (historical models) of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # the applied migrations as they are now
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def create_old_projects(apps) -> dict[str, int]:
    Organisation = apps.get_model("projects", "Organisation")
    Project = apps.get_model("projects", "Project")
    Phase = apps.get_model("projects", "Phase")
    lead = Organisation.objects.create(name="Norddjurs Kommune", kind="municipality")
    partner = Organisation.objects.create(name="Syddjurs Kommune", kind="municipality")

    def project(title, **values):
        hours, realised_hours, dkk, realised_dkk = FIGURES[title]
        created = Project.objects.create(
            title=title,
            summary="Et projekt om kunstig intelligens.",
            lead_organisation=lead,
            area="administration",
            expected_hours_per_year=hours,
            realised_hours_per_year=realised_hours,
            expected_dkk_per_year=dkk,
            realised_dkk_per_year=realised_dkk,
            **values,
        )
        return created

    running = project(
        "I drift",
        start_date=date(2022, 1, 1),
        planned_end_date=date(2024, 12, 31),
        last_status_on=date(2023, 9, 1),
        project_owner="Afdelingschef for borgerservice",
        current_phase="operation",
        outcome="in_operation",
        suppliers="Netcompany A/S; Deloitte\nKMD A/S.\n\n  netcompany a/s \n",
    )
    running.participants.add(partner)
    Phase.objects.create(
        project=running,
        kind="implementation",
        started_on=date(2022, 1, 1),
        ended_on=date(2023, 5, 1),
        gate_decision="go",
        decided_on=date(2023, 5, 1),
        decided_by="Byrådet",
    )
    Phase.objects.create(project=running, kind="operation", started_on=date(2023, 5, 1))
    partial = project("Delvist udfyldt", suppliers="   ")
    nothing = project(
        "Uden gevinsttal", start_date=date(2023, 1, 1), suppliers="Rådgiveren ApS; Deloitte"
    )
    stopped = project(
        "Stoppet med note",
        start_date=date(2022, 1, 1),
        outcome="stopped",
        outcome_note="Ingen hjemmel til drift.",
        current_phase="trial",
    )
    Phase.objects.create(
        project=stopped,
        kind="trial",
        started_on=date(2022, 1, 1),
        ended_on=date(2023, 1, 1),
        gate_decision="stop",
        decided_on=date(2023, 1, 1),
    )
    closed = project(
        "Lukket uden note",
        start_date=date(2022, 1, 1),
        planned_end_date=date(2023, 12, 31),
        last_status_on=date(2023, 6, 1),
        outcome="closed",
        current_phase="development",
    )
    Phase.objects.create(
        project=closed,
        kind="development",
        started_on=date(2022, 1, 1),
        ended_on=date(2023, 6, 1),
        gate_decision="stop",
        decided_on=date(2023, 6, 1),
    )
    today = timezone.localdate()
    later = project("Starter senere", start_date=today + timedelta(days=365))
    return {p.title: p.pk for p in (running, partial, nothing, stopped, closed, later)}


@pytest.mark.django_db(transaction=True)
def test_the_destination_migrations_keep_every_old_value_both_ways():
    old_apps = migrate(BEFORE)
    ids = create_old_projects(old_apps)
    created_on = old_apps.get_model("projects", "Project").objects.get(pk=ids["Delvist udfyldt"])
    created_on = created_on.created_at.date()

    migrate(latest())

    # The benefit figures are the lead organisation's indicators: from a baseline of 0 before
    # the solution, the expected figure the target and the realised one a measurement.
    def indicators(title):
        project = Project.objects.get(pk=ids[title])
        rows = {}
        for indicator in project.benefit_indicators.all():
            assert indicator.organisation_id == project.lead_organisation_id
            assert (indicator.baseline_value, indicator.baseline_method != "") == (0, True)
            measurements = [(m.measured_on, m.value) for m in indicator.measurements.all()]
            assert all(m.project_id == project.pk for m in indicator.measurements.all())
            rows[indicator.kind] = (
                indicator.baseline_on,
                indicator.target_value,
                indicator.target_on,
                measurements,
                (indicator.latest_on, indicator.latest_value),
            )
        return rows

    assert indicators("I drift") == {
        "hours": (
            date(2022, 1, 1),
            1200,
            date(2024, 12, 31),
            [(date(2023, 9, 1), 300)],
            (date(2023, 9, 1), 300),
        ),
        "dkk": (
            date(2022, 1, 1),
            500_000,
            date(2024, 12, 31),
            [(date(2023, 9, 1), 250_000)],
            (date(2023, 9, 1), 250_000),
        ),
    }
    partial = indicators("Delvist udfyldt")
    assert partial["hours"][1:2] == (None,) and [v for _d, v in partial["hours"][3]] == [0]
    assert partial["hours"][4][1] == 0
    assert partial["dkk"][1:5] == (0, None, [], (None, None))
    assert partial["hours"][0] == created_on  # no start date: from when it was registered
    assert indicators("Uden gevinsttal") == {}
    assert indicators("Stoppet med note") == {
        "hours": (date(2022, 1, 1), 800, None, [], (None, None))
    }
    assert indicators("Lukket uden note")["dkk"][1:5] == (
        100_000,
        date(2023, 12, 31),
        [(date(2023, 6, 1), 20_000)],
        (date(2023, 6, 1), 20_000),
    )

    projects = {p.title: p for p in Project.objects.all()}
    running, partial_project = projects["I drift"], projects["Delvist udfyldt"]
    # The project's realisation: 25 % of the hours and 50 % of the kroner.
    assert running.realisation_percent == Decimal("37.5")
    assert projects["Lukket uden note"].realisation_percent == Decimal("20.0")
    for title in ("Delvist udfyldt", "Uden gevinsttal", "Stoppet med note"):
        assert projects[title].realisation_percent is None, title

    # The suppliers' text is supplier records, one per name, linked to the projects.
    def suppliers(project):
        return sorted(project.supplier_links.values_list("supplier__name", "role"))

    assert suppliers(running) == [
        ("Deloitte", "other"),
        ("KMD A/S", "other"),
        ("Netcompany A/S", "other"),
    ]
    assert suppliers(projects["Uden gevinsttal"]) == [
        ("Deloitte", "other"),
        ("Rådgiveren ApS", "other"),
    ]
    assert suppliers(partial_project) == []
    from projects.models import Supplier

    assert Supplier.objects.count() == 4  # Deloitte once for both projects

    # Dates stay in the past (the model refuses future ones), the percentage within its column.
    later = projects["Starter senere"]
    indicator = later.benefit_indicators.get()
    assert indicator.baseline_on == timezone.localdate()
    assert indicator.measurements.get().measured_on == timezone.localdate()
    indicator.full_clean()
    assert later.realisation_percent == Decimal("99999999.9")

    # In operation: the lead organisation decided to run it when the operation phase began.
    decisions = list(running.operation_decisions.values_list("organisation", "decision"))
    assert decisions == [(running.lead_organisation_id, "in_operation")]
    decision = running.operation_decisions.get()
    assert (decision.decided_on, decision.decided_by) == (date(2023, 5, 1), "Byrådet")
    assert running.outcome == "in_operation"

    # Closed projects say why: "other", with the note they had (or a note that none was).
    assert (
        projects["Stoppet med note"].outcome,
        projects["Stoppet med note"].closing_reason,
        projects["Stoppet med note"].outcome_note,
    ) == ("stopped", "other", "Ingen hjemmel til drift.")
    assert (
        projects["Lukket uden note"].outcome,
        projects["Lukket uden note"].closing_reason,
        projects["Lukket uden note"].outcome_note,
    ) == ("closed", "other", NO_REASON_RECORDED)
    assert projects["Stoppet med note"].closing_outcome == "stopped"
    assert projects["Lukket uden note"].closing_outcome == "closed"
    for title in ("I drift", "Delvist udfyldt", "Uden gevinsttal"):
        assert projects[title].closing_reason == "", title
    # The participants are partners in the pilot.
    assert list(running.participation_set.values_list("organisation__name", "kind")) == [
        ("Syddjurs Kommune", "partner")
    ]

    # What the migration derived is what the models derive: the next write changes nothing.
    derived = ["outcome", "realisation_percent", "consultant_share"]
    before = list(Project.objects.order_by("pk").values_list(*derived))
    for pk in ids.values():
        refresh_derived(pk)
    assert list(Project.objects.order_by("pk").values_list(*derived)) == before

    # Backwards: the figures and the suppliers' names are back on the projects.
    old_apps = migrate(BEFORE)
    OldProject = old_apps.get_model("projects", "Project")
    for title, figures in FIGURES.items():
        old = OldProject.objects.get(pk=ids[title])
        assert (
            old.expected_hours_per_year,
            old.realised_hours_per_year,
            old.expected_dkk_per_year,
            old.realised_dkk_per_year,
        ) == figures, title
    names = {title: OldProject.objects.get(pk=pk).suppliers for title, pk in ids.items()}
    assert names["I drift"] == "Netcompany A/S; Deloitte; KMD A/S"  # in their order
    assert names["Uden gevinsttal"] == "Rådgiveren ApS; Deloitte"
    assert OldProject.objects.get(pk=ids["Lukket uden note"]).outcome_note == ""
    assert names["Delvist udfyldt"] == names["Lukket uden note"] == ""
    assert OldProject.objects.get(pk=ids["Stoppet med note"]).outcome_note == (
        "Ingen hjemmel til drift."
    )
    assert OldProject.objects.get(pk=ids["I drift"]).participants.count() == 1

    # And forwards again, leaving the database as the other tests expect it.
    migrate(latest())
    assert Project.objects.get(pk=ids["I drift"]).realisation_percent == Decimal("37.5")
    assert Project.objects.get(pk=ids["I drift"]).operation_decisions.count() == 1
