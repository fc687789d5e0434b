import pytest
from django.urls import reverse

from projects.access import get_project_for_user
from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def test_login_page_is_danish_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "da"
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert "Log ind" in html and "Brugernavn" in html and "Adgangskode" in html


def test_login_page_in_english_on_request(client):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("login")).content.decode()
    assert "Log in" in html and "Username" in html


def test_a_demo_login_works(client, coordinator):
    response = client.post(
        reverse("login"),
        {"username": coordinator.username, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert client.get(reverse("project_list")).status_code == 200


def test_wrong_password_keeps_the_username_and_explains(client, coordinator):
    response = client.post(reverse("login"), {"username": coordinator.username, "password": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{coordinator.username}"' in html
    assert "korrekt brugernavn og adgangskode" in html


def test_front_page_sends_a_signed_in_user_to_the_projects(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("home"))["Location"] == reverse("project_list")


def _titles(client) -> set[str]:
    return {p.title for p in client.get(reverse("project_list")).context["page"].object_list}


def test_municipality_users_see_only_projects_their_organisation_leads_or_joins(
    client, project, coordinator, viewer, participant, outsider, norddjurs, aarhus
):
    other = factories.ProjectFactory(title="Aarhus-projekt", lead_organisation=aarhus)
    factories.ProjectFactory(title="Fremmed projekt")
    for user in (coordinator, viewer, participant):
        client.force_login(user)
        assert _titles(client) == {project.title}
    client.force_login(outsider)
    assert _titles(client) == {other.title}


def test_agency_users_see_every_project(client, project, reviewer, administrator):
    factories.ProjectFactory(title="Fremmed projekt")
    for user in (reviewer, administrator):
        client.force_login(user)
        assert _titles(client) == {project.title, "Fremmed projekt"}


def test_user_without_membership_sees_nothing(client, project):
    client.force_login(factories.UserFactory())
    assert _titles(client) == set()
    assert client.get(reverse("project_detail", args=[project.pk])).status_code == 404


def test_archived_projects_are_hidden_from_the_list(client, coordinator, norddjurs):
    factories.ProjectFactory(title="Arkiveret", lead_organisation=norddjurs, archived=True)
    client.force_login(coordinator)
    assert "Arkiveret" not in _titles(client)


def test_status_is_told_in_words_as_well_as_colour(client, project, coordinator):
    factories.StatusUpdateFactory(project=project, overall_status="red")
    project.current_status = "red"
    project.save()
    client.force_login(coordinator)
    html = client.get(reverse("project_list")).content.decode()
    assert "status-red" in html and "Rød" in html


def test_project_list_queries_do_not_grow_with_the_data(client, reviewer):
    client.force_login(reviewer)
    url = reverse("project_list")
    for _ in range(3):
        factories.ProjectFactory()
    small = count_queries(client, url)
    for _ in range(40):
        factories.ProjectFactory()
    assert count_queries(client, url) == small <= 10


def test_access_helper_tells_what_each_role_may_do(
    project, coordinator, viewer, participant, reviewer, administrator
):
    def access(user):
        return get_project_for_user(user, project.pk)

    assert access(coordinator).can_change
    assert not access(viewer).can_change and not access(viewer).can_add_lesson
    assert not access(participant).can_change and access(participant).can_add_lesson
    assert not access(reviewer).can_change and access(reviewer).can_review
    assert access(administrator).can_change
    # Whose operation decision and benefits each records: the lead's coordinators and the
    # agency's administrators any organisation's on the project, a participant its own.
    everyone = {project.lead_organisation_id, *project.participants.values_list("pk", flat=True)}
    assert access(coordinator).destination_organisation_ids == everyone
    assert access(administrator).destination_organisation_ids == everyone
    assert access(participant).destination_organisation_ids == {
        participant.memberships.get().organisation_id
    }
    assert access(participant).may_record_for(participant.memberships.get().organisation_id)
    assert not access(participant).may_record_for(project.lead_organisation_id)
    for user in (viewer, reviewer):
        assert not access(user).can_record_destination


def test_browser_language_does_not_override_danish(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Log ind" in html


def test_language_switch_keeps_the_user_on_the_same_page(client, coordinator, project):
    client.force_login(coordinator)
    url = reverse("project_detail", args=[project.pk])
    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert "Current phase" in client.get(url).content.decode()
