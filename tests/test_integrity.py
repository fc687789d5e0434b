"""One set of rules on every write path, nothing saved twice, nothing undone by accident,
and no state that contradicts itself."""

import re
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    Barrier,
    BarrierStatus,
    Decision,
    Outcome,
    PhaseKind,
    Project,
    StatusUpdate,
    StopReason,
)
from tests import factories, payloads

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def open_phase(project):
    return factories.PhaseFactory(project=project, started_on=date(2022, 1, 1))


# Admin and ORM writes keep the rules


def admin_project_form(admin_client, project, **changes) -> dict:
    """The admin's change form of the project as opened now, with `changes` typed in."""
    page = admin_client.get(reverse("admin:projects_project_change", args=[project.pk]))
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and key != "participants"
    }
    data.update(lead_organisation=project.lead_organisation_id, **changes)
    data["opened_at_version"] = project.version
    for inline in page.context["inline_admin_formsets"]:  # no inline rows sent
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return data


def test_an_admin_edit_refuses_a_coordinator_form_opened_before_it(
    signed_in, admin_client, project
):
    opened = payloads.project_edit(project, legal_basis="Art. 6")
    data = admin_project_form(admin_client, project, summary="Rettet af administrator.")
    response = admin_client.post(reverse("admin:projects_project_change", args=[project.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    response = signed_in.post(reverse("project_edit", args=[project.pk]), opened)
    assert response.status_code == 200  # refused, the input kept, the change shown
    project.refresh_from_db()
    assert project.summary == "Rettet af administrator." and project.legal_basis == ""


def test_a_red_update_added_in_the_admin_turns_the_project_red(admin_client, project):
    factories.PhaseFactory(project=project)
    response = admin_client.post(
        reverse("admin:projects_statusupdate_add"),
        {
            "project": project.pk,
            "reported_on": "2024-01-01",
            "progress": "Fra administrationen.",
            **payloads.lights(overall_status="red"),
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.current_status, project.last_status_on) == ("red", date(2024, 1, 1))


def test_a_plain_orm_save_keeps_the_version_and_the_derived_fields(project):
    version = project.version
    project.summary = "Ændret i kode."
    project.save()
    assert project.version == version + 1
    update = factories.StatusUpdateFactory(project=project, help_needed=True, help_text="Hjælp")
    project.refresh_from_db()
    assert project.help_requested is True
    update.delete()
    project.refresh_from_db()
    assert project.help_requested is False and project.current_status == ""


def test_only_superusers_delete_in_the_admin_and_withdrawn_entries_can_be_restored(
    client, administrator, project
):
    administrator.is_staff = True
    administrator.save()
    withdrawn = factories.StatusUpdateFactory(
        project=project, withdrawn_at=timezone.now(), withdrawn_by=administrator
    )
    client.force_login(administrator)
    changelist = reverse("admin:projects_statusupdate_changelist")
    page = client.get(changelist)
    assert page.status_code in {200, 403}
    if page.status_code == 200:
        assert "delete_selected" not in page.content.decode()
    delete = reverse("admin:projects_statusupdate_delete", args=[withdrawn.pk])
    assert client.post(delete, {"post": "yes"}).status_code in {302, 403}
    assert StatusUpdate.all_objects.filter(pk=withdrawn.pk).exists()


def test_the_superuser_admin_lists_withdrawn_entries_and_restores_them(admin_client, project):
    withdrawn = factories.StatusUpdateFactory(project=project, withdrawn_at=timezone.now())
    changelist = reverse("admin:projects_statusupdate_changelist")
    assert str(withdrawn) in admin_client.get(changelist).content.decode()
    admin_client.post(changelist, {"action": "restore_entries", "_selected_action": [withdrawn.pk]})
    withdrawn.refresh_from_db()
    assert withdrawn.withdrawn_at is None


# Nothing saved twice


@pytest.mark.parametrize(
    ("name", "model", "data"),
    [
        ("status_update_create", StatusUpdate, payloads.status_update),
        ("decision_create", Decision, payloads.decision),
        ("barrier_create", Barrier, payloads.barrier),
    ],
)
def test_the_same_form_sent_again_saves_nothing_twice(
    signed_in, project, open_phase, name, model, data
):
    url = reverse(name, args=[project.pk])
    form = data()
    assert signed_in.post(url, form).status_code == 302
    again = signed_in.post(url, form)  # back, then save again
    assert again.status_code == 200
    html = again.content.decode()
    assert "allerede gemt" in html
    saved = model.objects.get(project=project)
    link = re.search(r'href="([^"]+)">Se, hvad der blev gemt', html).group(1)
    link = link.replace("&amp;", "&")
    path, anchor = link.split("#")
    assert f'id="{anchor}"' in signed_in.get(path).content.decode()
    assert str(saved.pk) in anchor


def test_a_create_form_without_its_token_is_refused_with_the_input_kept(
    signed_in, project, open_phase
):
    form = payloads.status_update(progress="Skrevet med omhu.")
    del form["submission_token"]
    response = signed_in.post(reverse("status_update_create", args=[project.pk]), form)
    assert response.status_code == 200 and "Skrevet med omhu." in response.content.decode()
    assert not StatusUpdate.objects.exists()


# Withdraw asks first and can be undone


def test_withdraw_asks_first_and_restore_brings_the_entry_back(signed_in, project, coordinator):
    decision = factories.DecisionFactory(project=project, title="Vælg leverandør B")
    url = reverse("entry_withdraw", args=[project.pk, "decisions", decision.pk])
    confirmation = signed_in.get(url)
    assert confirmation.status_code == 200
    assert '<form method="post"' in confirmation.content.decode()
    assert Decision.objects.filter(pk=decision.pk).exists()  # nothing happened yet
    signed_in.post(url)
    assert not Decision.objects.filter(pk=decision.pk).exists()
    page = signed_in.get(reverse("project_detail", args=[project.pk])).content.decode()
    restore = reverse("entry_restore", args=[project.pk, "decisions", decision.pk])
    assert restore in page
    assert signed_in.post(restore).status_code == 302
    assert Decision.objects.filter(pk=decision.pk).exists()
    restored = LogEntry.objects.get_for_object(decision).first()
    assert restored.changes_dict["withdrawn_at"][0] not in (None, "None")  # what it was
    history = signed_in.get(reverse("project_history", args=[project.pk])).content.decode()
    assert coordinator.get_full_name() in history


# State that cannot contradict itself


def test_stopping_a_project_says_what_becomes_of_each_open_barrier(signed_in, project, open_phase):
    kept = factories.BarrierFactory(project=project, title="Hjemmel til drift")
    closed = factories.BarrierFactory(project=project, title="Datakvalitet")
    url = reverse("phase_advance", args=[project.pk])
    without_reason = payloads.gate_decision(
        "stop", project=project, **{f"barrier_{kept.pk}_action": "kept_open"}
    )
    refused = signed_in.post(url, without_reason)
    assert refused.status_code == 200 and "Hjemmel til drift" in refused.content.decode()
    project.refresh_from_db()
    assert project.outcome == Outcome.ONGOING

    data = payloads.gate_decision(
        "stop",
        project=project,
        closing_outcome="closed",
        **{
            f"barrier_{kept.pk}_action": "kept_open",
            f"barrier_{kept.pk}_text": "Sagen er sendt til Datatilsynet.",
            f"barrier_{closed.pk}_action": "closed",
        },
    )
    assert signed_in.post(url, data).status_code == 302
    project.refresh_from_db()
    kept.refresh_from_db()
    closed.refresh_from_db()
    assert project.outcome == Outcome.CLOSED
    assert kept.status == BarrierStatus.OPEN and kept.open_reason
    assert closed.status == BarrierStatus.CLOSED and closed.resolved_on == timezone.localdate()


def test_the_outcome_is_not_a_free_choice_on_the_profile(signed_in, project, open_phase):
    data = payloads.project_edit(project, outcome="scaled")
    assert signed_in.post(reverse("project_edit", args=[project.pk]), data).status_code == 302
    project.refresh_from_db()
    assert project.outcome == Outcome.ONGOING


def test_closed_projects_leave_the_attention_list(client, reviewer, norddjurs):
    stopped = factories.ProjectFactory(
        title="Stoppet projekt", lead_organisation=norddjurs, closing_reason=StopReason.DATA
    )
    factories.PhaseFactory(
        project=stopped,
        ended_on=date(2023, 1, 1),
        gate_decision="stop",
        decided_on=date(2023, 1, 1),
    )
    factories.StatusUpdateFactory(
        project=stopped, reported_on=date(2022, 12, 1), overall_status="red"
    )
    assert Project.objects.get(pk=stopped.pk).outcome == Outcome.STOPPED
    client.force_login(reviewer)
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.context["attention"]["red"] == 0
    assert dashboard.context["total"] == 1 and dashboard.context["live"] == 0
    assert "1 projekt i porteføljen" in dashboard.content.decode()
    listing = client.get(reverse("project_list"), {"stale_days": 90}).content.decode()
    assert "Stoppet projekt" not in listing
    listing = client.get(reverse("project_list"), {"stale_days": 90, "closed": "include"})
    assert "Stoppet projekt" in listing.content.decode()


def test_a_status_update_before_the_project_or_phase_began_is_refused(signed_in, project):
    factories.PhaseFactory(project=project, kind=PhaseKind.DEVELOPMENT, started_on=date(2023, 1, 1))
    url = reverse("status_update_create", args=[project.pk])
    for day, reason in [("2021-06-01", "projektet startede"), ("2022-06-01", "fase")]:
        response = signed_in.post(url, payloads.status_update(reported_on=day))
        assert response.status_code == 200
        assert reason in str(response.context["form"].errors["reported_on"])
    assert not StatusUpdate.objects.exists()
    ok = payloads.status_update(reported_on=(timezone.localdate() - timedelta(days=1)).isoformat())
    assert signed_in.post(url, ok).status_code == 302


def test_two_sessions_cannot_save_the_same_new_record_twice(coordinator, project, open_phase):
    first, second = Client(), Client()
    first.force_login(coordinator)
    second.force_login(coordinator)
    url = reverse("decision_create", args=[project.pk])
    form = payloads.decision()
    assert first.post(url, form).status_code == 302
    assert second.post(url, form).status_code == 200
    assert Decision.objects.filter(project=project).count() == 1


def test_an_admin_edit_keeps_what_a_status_update_derived_meanwhile(
    admin_client, project, monkeypatch
):
    from projects.admin import ProjectAdmin

    factories.PhaseFactory(project=project)
    data = admin_project_form(admin_client, project, summary="Rettet af administrator.")

    loaded = ProjectAdmin.get_object

    def a_red_update_lands_after_loading(self, request, object_id, from_field=None):
        obj = loaded(self, request, object_id, from_field)
        if request.method == "POST":  # while the admin's request holds its copy of the row
            factories.StatusUpdateFactory(
                project=obj, reported_on=date(2024, 1, 1), overall_status="red"
            )
        return obj

    monkeypatch.setattr(ProjectAdmin, "get_object", a_red_update_lands_after_loading)
    response = admin_client.post(reverse("admin:projects_project_change", args=[project.pk]), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.summary == "Rettet af administrator." and project.current_status == "red"


def test_only_staff_who_may_change_entries_are_offered_restore(client, project):
    from django.contrib.auth.models import Permission

    staff = factories.UserFactory(username="kun-laeser", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_statusupdate"))
    factories.StatusUpdateFactory(project=project, withdrawn_at=timezone.now())
    client.force_login(staff)
    page = client.get(reverse("admin:projects_statusupdate_changelist"))
    assert page.status_code == 200 and "restore_entries" not in page.content.decode()
