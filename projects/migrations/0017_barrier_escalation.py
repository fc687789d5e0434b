"""An escalated barrier says what the agency is asked to do, who asked and since when.

Barriers escalated before the request was asked for get a request saying so, and a barrier
escalated without a date the day it was last saved (the latest it can have been escalated),
so that the rule holds for every row before the database enforces it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

import projects.models.text

EARLIER_ESCALATION = (
    "Styrelsen bedes om hjælp til at løse barrieren. (Barrieren blev eskaleret, før det "
    "skulle beskrives, hvad styrelsen bedes om; se barrierens beskrivelse.)"
)


def describe_earlier_escalations(apps, schema_editor):
    Barrier = apps.get_model("projects", "Barrier")
    missing = models.Q(escalation_request="") | models.Q(escalated_on__isnull=True)
    changed = []
    for barrier in Barrier.objects.filter(missing, escalated=True).iterator():
        if not barrier.escalation_request.strip():
            barrier.escalation_request = EARLIER_ESCALATION
        if barrier.escalated_on is None:
            saved_on = timezone.localtime(barrier.updated_at).date()
            barrier.escalated_on = max(barrier.identified_on, saved_on)
        changed.append(barrier)
    Barrier.objects.bulk_update(changed, ["escalation_request", "escalated_on"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0016_legal_question_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="barrier",
            name="escalated_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="escalated by",
            ),
        ),
        migrations.AddField(
            model_name="barrier",
            name="escalation_request",
            field=projects.models.text.LimitedTextField(
                blank=True,
                help_text="Required when the barrier is escalated: what should the agency do?",
                max_length=2000,
                verbose_name="what the agency is asked to do",
            ),
        ),
        migrations.RunPython(describe_earlier_escalations, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="barrier",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("escalated", False),
                    models.Q(
                        models.Q(("escalation_request", ""), _negated=True),
                        ("escalated_on__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="barrier_escalated_has_request",
            ),
        ),
    ]
