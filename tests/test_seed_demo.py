from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Max

from projects.demo import catalogue
from projects.demo.seed import SYNTHETIC_MARK
from projects.models import (
    Barrier,
    Decision,
    FundingRound,
    LessonLearned,
    Membership,
    Organisation,
    Phase,
    Project,
    StatusUpdate,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)
MODELS = [
    Organisation,
    Membership,
    FundingRound,
    Project,
    Phase,
    StatusUpdate,
    Barrier,
    Decision,
    LessonLearned,
    get_user_model(),
]


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_creates_the_programme_and_prints_the_logins():
    output = seed()
    assert Project.objects.count() == len(catalogue.PROJECTS)
    assert Organisation.objects.filter(kind="agency").count() == 1
    assert FundingRound.objects.count() == 3
    for user in catalogue.DEMO_USERS:
        assert user.username in output
    assert catalogue.DEMO_PASSWORD in output
    norddjurs = get_user_model().objects.get(username="norddjurs-koordinator")
    assert norddjurs.check_password(catalogue.DEMO_PASSWORD)
    mails = Project.objects.get(title="Intelligent fordeling og journalisering af mails")
    assert mails.lead_organisation.name == "Norddjurs Kommune"
    assert mails.phases.filter(ended_on__isnull=True).get().kind == "scaling"
    assert mails.barriers.exists() and mails.lessons.exists() and mails.status_updates.exists()
    smartmail = Project.objects.get(title="Smartmail – udbredelse")
    assert smartmail.participants.count() == 4


def test_seed_twice_creates_nothing_twice():
    seed("--projects", "5", "--seed", "3")
    before = counts()
    seed("--projects", "5", "--seed", "3")
    assert counts() == before


def test_if_empty_leaves_a_database_with_data_alone():
    seed()
    Project.objects.filter(title="Smartmail – udbredelse").delete()
    output = seed("--if-empty")
    assert "already has data" in output
    assert not Project.objects.filter(title="Smartmail – udbredelse").exists()


def test_synthetic_projects_have_the_requested_counts():
    seed("--projects", "40", "--seed", "11")
    synthetic = Project.objects.filter(title__contains=f"({SYNTHETIC_MARK} 11-")
    assert synthetic.count() == 40
    per_project = synthetic.aggregate(
        updates=Count("status_updates", distinct=True),
        barriers=Count("barriers", distinct=True),
        lessons=Count("lessons", distinct=True),
    )
    # Around 30 updates, 5 barriers and 3 lessons a project.
    assert 20 * 40 <= per_project["updates"] <= 40 * 40
    assert 3 * 40 <= per_project["barriers"] <= 7 * 40
    assert 1 * 40 <= per_project["lessons"] <= 5 * 40


def test_synthetic_projects_are_the_same_for_the_same_seed():
    def snapshot():
        return list(
            Project.objects.filter(title__contains=SYNTHETIC_MARK)
            .order_by("title")
            .values_list("title", "lead_organisation__name", "current_phase", "outcome")
        )

    seed("--projects", "15", "--seed", "5")
    first = snapshot()
    Project.objects.filter(title__contains=SYNTHETIC_MARK).delete()
    seed("--projects", "15", "--seed", "5")
    assert snapshot() == first
    Project.objects.filter(title__contains=SYNTHETIC_MARK).delete()
    seed("--projects", "15", "--seed", "6")
    assert snapshot() != first


def test_seed_adds_only_the_missing_synthetic_projects():
    seed("--projects", "10", "--seed", "2")
    seed("--projects", "25", "--seed", "2")
    assert Project.objects.filter(title__contains=f"({SYNTHETIC_MARK} 2-").count() == 25


def test_denormalised_phase_and_status_match_the_history():
    seed("--projects", "30", "--seed", "4")
    for project in Project.objects.annotate(last_update=Max("status_updates__reported_on")):
        latest_phase = project.phases.order_by("-started_on", "-id").first()
        assert project.current_phase == latest_phase.kind
        assert project.phases.filter(ended_on__isnull=True).count() <= 1
        assert project.last_status_on == project.last_update
        latest = project.status_updates.order_by("-reported_on", "-id").first()
        assert project.current_status == latest.overall_status
    for phase in Phase.objects.exclude(ended_on=None):
        assert phase.ended_on >= phase.started_on
        assert phase.gate_decision


def test_negative_project_count_is_refused():
    with pytest.raises(CommandError, match="cannot be negative"):
        seed("--projects", "-1")


def test_malformed_date_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("seed_demo", "--today", "28/11/2026", stdout=StringIO())
