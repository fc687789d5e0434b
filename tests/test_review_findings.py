"""An independent review of the register, the catalogue, the API, sign-in, invitations,
notifications and the kept dashboard, as an attacker and as a careful user: each test tries
one way round a rule."""

import pytest
from django.urls import reverse

from projects.models import (
    Invitation,
    LessonVisibility,
    Membership,
    RegisterState,
    Role,
)
from projects.models.invitations import hash_token
from projects.services import register as register_services
from projects.services import solutions as solution_services
from projects.services.api_tokens import create_api_token
from projects.services.invitations import (
    InvitationUnusable,
    accept_invitation,
    resend_invitation,
)
from tests import factories
from tests.register_factories import record_in_state
from tests.solution_factories import SolutionFactory, solution_edit_data

pytestmark = pytest.mark.django_db
API = "/api/v1"


# --- the catalogue: links the editor may not change ---------------------------------------


def test_editing_a_solution_keeps_a_shared_lesson_it_was_not_offered(
    client, norddjurs, aarhus, coordinator, project
):
    """A lesson of another organisation's project, shared with the portfolio and linked by an
    agency administrator, is not offered to the owner's coordinator: the form cannot send
    it, so saving the form must not unlink it."""
    solution = SolutionFactory(title="Smartmail", owner=norddjurs, projects=[project])
    foreign = factories.ProjectFactory(title="Aarhus projekt", lead_organisation=aarhus)
    shared = factories.LessonFactory(
        project=foreign, title="Delt erfaring fra Aarhus", visibility=LessonVisibility.PORTFOLIO
    )
    solution.lessons.add(shared)
    client.force_login(coordinator)
    url = reverse("solution_edit", args=[solution.pk])
    offered = client.get(url).context["form"].fields["lessons"].queryset
    assert shared not in offered
    # What the browser sends: the offered boxes only.
    data = solution_edit_data(solution, title="Smartmail 2", lessons=[])
    assert client.post(url, data).status_code == 302
    solution.refresh_from_db()
    assert solution.title == "Smartmail 2"
    assert list(solution.lessons.all()) == [shared]


def test_a_coordinator_cannot_unlink_another_projects_lesson_through_the_service(
    norddjurs, aarhus, coordinator, project
):
    solution = SolutionFactory(owner=norddjurs, projects=[project])
    foreign = factories.ProjectFactory(lead_organisation=aarhus)
    shared = factories.LessonFactory(project=foreign, visibility=LessonVisibility.PORTFOLIO)
    solution.lessons.add(shared)
    solution_services.update_solution(
        solution=solution,
        editor=coordinator,
        expected_version=solution.version,
        fields=[],
        projects=[project],
        lessons=[],
    )
    assert list(solution.lessons.all()) == [shared]


# --- invitations: the inviter's authority ---------------------------------------------------


@pytest.mark.parametrize("change", ["removed", "demoted"])
def test_an_invitation_lapses_when_its_inviter_may_no_longer_give_the_role(
    client, coordinator, norddjurs, change
):
    """A coordinator invites an address as coordinator, then leaves the organisation (or
    becomes a viewer): the link must not make anyone a coordinator afterwards."""
    factories.InvitationFactory(
        organisation=norddjurs,
        invited_by=coordinator,
        email="privat@example.org",
        role=Role.COORDINATOR,
        token="before-leaving",
    )
    membership = Membership.objects.get(user=coordinator, organisation=norddjurs)
    if change == "removed":
        membership.delete()
    else:
        membership.role = Role.VIEWER
        membership.save()

    page = client.get(reverse("invitation_accept", args=["before-leaving"]))
    assert page.status_code == 410
    password = "Lang-og-sikker-2026"
    data = {"action": "create", "password1": password, "password2": password}
    client.post(reverse("invitation_accept", args=["before-leaving"]), data)
    assert not Membership.objects.filter(
        organisation=norddjurs, user__email="privat@example.org"
    ).exists()
    # Nor through the service the identity provider's sign-in uses.
    someone = factories.UserFactory(email="privat@example.org")
    with pytest.raises(InvitationUnusable):
        accept_invitation("before-leaving", someone)
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_sent_again_by_someone_who_may_invite_works(
    client, coordinator, administrator, norddjurs
):
    """An invitation whose inviter has left is saved by sending it again: the one who sends
    it again vouches for it from then on."""
    invitation = factories.InvitationFactory(
        organisation=norddjurs,
        invited_by=coordinator,
        email="ny@example.org",
        role=Role.COORDINATOR,
        token="old-link",
    )
    Membership.objects.filter(user=coordinator).delete()
    resend_invitation(invitation=invitation, user=administrator, site_url="http://testserver/")
    invitation.refresh_from_db()
    assert invitation.invited_by == administrator
    someone = factories.UserFactory(email="ny@example.org")
    raw = "fresh-link"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_token(raw))
    assert accept_invitation(raw, someone).role == Role.COORDINATOR


def test_a_coordinator_cannot_invite_to_an_organisation_they_only_view_via_the_body(
    client, coordinator, syddjurs
):
    factories.MembershipFactory(user=coordinator, organisation=syddjurs, role=Role.VIEWER)
    client.force_login(coordinator)
    for role in (Role.COORDINATOR, Role.VIEWER, Role.ADMINISTRATOR):
        data = {"email": "x@example.org", "organisation": syddjurs.pk, "role": role}
        assert client.post(reverse("invitation_create"), data).status_code == 200
    assert not Invitation.objects.exists()


# --- the API --------------------------------------------------------------------------------


def test_a_reviewers_token_does_not_read_the_archived_projects(client, reviewer, aarhus):
    factories.ProjectFactory(title="Aktivt projekt", lead_organisation=aarhus)
    factories.ProjectFactory(title="Arkiveret projekt", lead_organisation=aarhus, archived=True)
    token = create_api_token(user=reviewer, name="Udtræk").secret
    response = client.get(
        f"{API}/portfolio/projects?archived=true", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    titles = [row["title"] for row in response.json()["results"]]
    assert titles == ["Aktivt projekt"]


def test_a_session_does_not_open_the_portfolio_api(client, reviewer):
    client.force_login(reviewer)
    assert client.get(f"{API}/portfolio/projects").status_code == 401


# --- the public register --------------------------------------------------------------------


def test_only_the_published_snapshot_is_public_not_a_later_approved_edit(
    client, project, coordinator, reviewer
):
    record = record_in_state(
        project, RegisterState.PUBLISHED, coordinator=coordinator, reviewer=reviewer
    )
    record.goal = "Hemmeligt nyt formål"
    register_services.save_register_record(
        record=record, expected_version=record.version, fields=["goal"]
    )
    record.refresh_from_db()
    register_services.submit_register_record(record=record, user=coordinator)
    register_services.approve_register_record(record=record, user=reviewer)
    for url in (
        reverse("public_register"),
        reverse("public_register_detail", args=[record.pk]),
        reverse("register_export_json"),
        reverse("register_export_csv"),
        f"{API}/register/records",
        f"{API}/register/records/{record.pk}",
        f"{API}/register/export.json",
    ):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert "Hemmeligt nyt formål" not in body.decode(), url


# --- the merge's regressions: both answered 500 ---------------------------------------------


def test_the_public_register_page_and_the_portfolio_api_answer(client, reviewer, aarhus):
    factories.ProjectFactory(title="Aktivt projekt", lead_organisation=aarhus)
    assert client.get(reverse("public_register")).status_code == 200
    token = create_api_token(user=reviewer, name="Udtræk").secret
    response = client.get(f"{API}/portfolio/projects", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["title"] == "Aktivt projekt"
    assert row["organisations_total"] == 1 and isinstance(row["open_obligations"], int)
