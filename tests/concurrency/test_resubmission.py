"""One opened form submitted many times at once (a double click, a resent request, a
retrying proxy) must create one record, not one per submission, and never answer 5xx."""

from functools import partial

import pytest
from django.urls import reverse

from projects.models import Decision, StatusUpdate
from tests import factories
from tests.concurrency import payloads

pytestmark = pytest.mark.django_db(transaction=True)

SUBMISSIONS = 20


def _status_updates(project):
    return StatusUpdate.objects.filter(project=project, progress="Én gang.")


def _decisions(project):
    return Decision.objects.filter(project=project, title="Én beslutning")


@pytest.mark.parametrize(
    ("url_name", "what", "records", "data"),
    [
        (
            "status_update_create",
            "status updates",
            _status_updates,
            lambda barrier: payloads.status_update(progress="Én gang."),
        ),
        (
            "decision_create",
            "decisions",
            _decisions,
            lambda barrier: payloads.decision(title="Én beslutning", barriers=[barrier]),
        ),
    ],
    ids=["status_update", "decision"],
)
def test_one_form_submitted_many_times_at_once_creates_one_record(
    url_name, what, records, data, people, coordinator, new_project, race_report
):
    project = new_project()
    barrier = factories.BarrierFactory(project=project)
    person = people(coordinator, "coordinator")
    form = person.open_form(reverse(url_name, args=[project.pk]))
    # Every tab posts the very same hidden inputs, as a repeated submission does.
    tabs = [person.twin(f"coordinator, submission {n}") for n in range(SUBMISSIONS)]
    report = race_report(f"{url_name}: one opened form submitted {SUBMISSIONS} times at once")

    responses = report.race(*(partial(tab.submit, form, data(barrier)) for tab in tabs))

    for response in responses:
        report.record("submission", response)
    report.count_created(what, records(project).count())
    report.check()
