"""Projects marked stopped or closed on the profile form, before the outcome followed the gate
decisions, may still have an open phase: end it with a stop, so that the outcome they were
given holds (a later write would otherwise read them as ongoing)."""

from django.db import migrations

CLOSED = ["closed", "stopped"]


def end_open_phases(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Phase = apps.get_model("projects", "Phase")
    for project in Project.objects.filter(outcome__in=CLOSED).iterator():
        phase = Phase.objects.filter(project=project, ended_on__isnull=True).first()
        if phase is None:
            continue
        ended = max(phase.started_on, project.last_status_on or phase.started_on)
        Phase.objects.filter(pk=phase.pk).update(
            ended_on=ended,
            gate_decision="stop",
            decided_on=ended,
            rationale=phase.rationale or project.outcome_note or "Afsluttet.",
        )


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_text_limits")]

    operations = [migrations.RunPython(end_open_phases, migrations.RunPython.noop)]
