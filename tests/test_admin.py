"""Every admin page opens for a superuser, with data in place."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from projects.models import SubmittedForm
from tests import factories

pytestmark = pytest.mark.django_db

MODEL_ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.fixture
def superuser_client(client):
    user = factories.UserFactory(username="root-admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def one_of_everything(project):
    factories.PhaseFactory(project=project)
    barrier = factories.BarrierFactory(project=project)
    decision = factories.DecisionFactory(project=project)
    decision.barriers.add(barrier)
    factories.StatusUpdateFactory(project=project)
    factories.LessonFactory(project=project, barrier=barrier)
    factories.ReviewNoteFactory(project=project)
    factories.MembershipFactory(organisation=project.lead_organisation)
    Group.objects.create(name="Redaktører")


def _label(item):
    return item[0]._meta.label


@pytest.mark.parametrize("model_admin", MODEL_ADMINS, ids=_label)
def test_admin_pages_open(superuser_client, one_of_everything, model_admin):
    model, _ = model_admin
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert superuser_client.get(changelist).status_code == 200
    assert superuser_client.get(changelist, {"q": "æøå"}).status_code == 200
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    # Audit, login-attempt and saved-form records are written by the application, never by
    # hand.
    read_only = opts.app_label in {"auditlog", "axes"} or model is SubmittedForm
    assert superuser_client.get(add).status_code == (403 if read_only else 200)
    instance = model._base_manager.order_by("pk").first()
    if instance is None:
        assert read_only, f"no {opts.label} to open"
        return
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
    assert superuser_client.get(change).status_code == 200


def test_every_project_model_is_in_the_admin():
    from django.apps import apps

    registered = {model for model, _ in MODEL_ADMINS}
    assert set(apps.get_app_config("projects").get_models()) <= registered


def test_project_list_runs_the_same_queries_with_more_projects(
    superuser_client, django_assert_max_num_queries
):
    url = reverse("admin:projects_project_changelist")
    for _ in range(3):
        factories.ProjectFactory()
    with django_assert_max_num_queries(12) as few:
        superuser_client.get(url)
    for _ in range(30):
        factories.ProjectFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        superuser_client.get(url)


def test_admin_refuses_a_coordinator(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
