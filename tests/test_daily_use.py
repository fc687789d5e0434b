"""Daily use: the error pages (400, 403, 404, 405, 429, 500) in the site's layout and the user's
language, the notice that tells a reader why there are no buttons, and messages after a save,
a second sending, a withdrawal or an archiving that say what happened and what to do."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import OperationalError
from django.http import HttpResponseNotAllowed
from django.test import Client, RequestFactory
from django.urls import include, path, reverse
from django.utils.functional import SimpleLazyObject

from projects.models import StatusUpdate
from projects.views import errors
from tests import factories, payloads

PASSWORD = "correct horse battery staple"


def _bad_request(request):
    raise BadRequest("a malformed request")


def _broken(request):
    raise ValueError("a bug")


def _not_allowed_with_a_body(request):
    return HttpResponseNotAllowed(["POST"], content=b"explained by the view itself")


urlpatterns = [
    path("tests/bad-request/", _bad_request),
    path("tests/broken/", _broken),
    path("tests/not-allowed/", _not_allowed_with_a_body),
    path("", include("sigprojects.urls")),
]
handler400 = "projects.views.errors.bad_request"
handler403 = "projects.views.errors.permission_denied"
handler404 = "projects.views.errors.page_not_found"
handler500 = "projects.views.errors.server_error"

HEADINGS = {
    400: {"da": "Forespørgslen kunne ikke læses", "en": "The request could not be read"},
    403: {"da": "Det har du ikke adgang til", "en": "You do not have access to this"},
    404: {"da": "Siden blev ikke fundet", "en": "Page not found"},
    405: {
        "da": "Adressen kan ikke bruges på den måde",
        "en": "This address cannot be used this way",
    },
    429: {"da": "For mange mislykkede logins", "en": "Too many failed logins"},
    500: {"da": "Serverfejl", "en": "Server error"},
}
MENU = {"da": 'aria-label="Hovedmenu"', "en": 'aria-label="Main menu"'}
BACK = {"da": "Gå tilbage", "en": "Go back"}


def in_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def heading(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


def main_text(html: str) -> str:
    """The page's own words, without the menu (whose language form carries the path)."""
    return re.sub(r"\s+", " ", html.split('<main id="main"', 1)[1])


def assert_error_page(response, status, language):
    assert response.status_code == status
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert response["Content-Language"] == language
    assert heading(html) == HEADINGS[status][language]
    assert MENU[language] in html  # within the site's layout, with its navigation
    assert BACK[language] in html and "js/history-back.js" in html  # and a way back
    return html


# --- Each status code's page, in Danish and in English ------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_a_bad_host_gets_the_400_page(language):
    client = in_language(Client(HTTP_HOST="evil.example"), language)
    html = assert_error_page(client.get("/login/"), 400, language)
    assert 'href="/"' in html  # to the front page


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", ["da", "en"])
def test_a_request_that_cannot_be_read_gets_the_400_page(client, coordinator, language):
    client.force_login(coordinator)
    html = assert_error_page(
        in_language(client, language).get("/tests/bad-request/"), 400, language
    )
    assert coordinator.get_full_name() in html  # the menu of the signed-in user


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_an_action_above_the_role_gets_the_403_page(client, viewer, project, language):
    client.force_login(viewer)
    response = in_language(client, language).get(reverse("status_update_create", args=[project.pk]))
    html = assert_error_page(response, 403, language)
    assert {"da": "Gå til mine projekter", "en": "Go to my projects"}[language] in html
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_403_page_offers_the_agency_its_portfolio(client, reviewer, project):
    client.force_login(reviewer)
    html = assert_error_page(client.get(reverse("project_edit", args=[project.pk])), 403, "da")
    assert "Gå til porteføljen" in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_a_record_of_another_organisation_reads_exactly_like_one_that_does_not_exist(
    client, outsider, project, language
):
    client.force_login(outsider)
    in_language(client, language)
    hidden = client.get(reverse("project_detail", args=[project.pk]))
    missing = client.get(reverse("project_detail", args=[project.pk + 1000]))
    assert_error_page(hidden, 404, language)
    assert_error_page(missing, 404, language)
    assert main_text(hidden.content.decode()) == main_text(missing.content.decode())
    assert project.title not in hidden.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_an_unknown_address_gets_the_404_page_also_when_not_signed_in(client, language):
    html = assert_error_page(in_language(client, language).get("/no-such-page/"), 404, language)
    assert {"da": "Gå til forsiden", "en": "Go to the front page"}[language] in html


def test_the_404_page_is_drawn_without_the_database_when_the_layout_fails():
    """No database here (no django_db mark): the menu's user cannot be read, so the page comes
    in the error layout, which needs neither."""

    def lost():
        raise OperationalError("the server is gone")

    request = RequestFactory().get("/projects/7/")
    request.user = SimpleLazyObject(lost)
    response = errors.page_not_found(request)
    html = response.content.decode()
    assert response.status_code == 404
    assert heading(html) == "Siden blev ikke fundet"
    assert "Gå til forsiden" in html and "Gå tilbage" in html
    assert 'class="navbar-brand" href="/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_following_a_link_to_a_button_address_gets_the_405_page(
    client, administrator, project, language
):
    client.force_login(administrator)
    response = in_language(client, language).get(reverse("project_archive", args=[project.pk]))
    html = assert_error_page(response, 405, language)
    assert response["Allow"] == "POST"
    assert {"da": "Intet er ændret", "en": "Nothing was changed"}[language] in html
    project.refresh_from_db()
    assert not project.archived


@pytest.mark.django_db
def test_a_form_sent_to_a_page_that_is_only_read_gets_the_405_page(client, coordinator, project):
    client.force_login(coordinator)
    response = client.post(reverse("project_detail", args=[project.pk]), {"title": "x"})
    html = assert_error_page(response, 405, "da")
    assert response["Allow"] == "GET, HEAD"
    assert "Intet blev gemt" in html


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_405_that_explains_itself_is_left_alone(client):
    response = client.get("/tests/not-allowed/")
    assert response.status_code == 405
    assert response.content == b"explained by the view itself"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_too_many_failed_logins_get_the_429_page(client, coordinator, language):
    in_language(client, language)
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": coordinator.username, "password": "forkert"})
    response = client.post(url, {"username": coordinator.username, "password": PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert f'<html lang="{language}">' in html and MENU[language] in html
    assert heading(html) == HEADINGS[429][language]
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert {"da": f"Prøv igen om {minutes} minutter", "en": f"Try again in {minutes} minutes"}[
        language
    ] in html
    assert {"da": "Tilbage til login", "en": "Back to the login page"}[language] in html


@pytest.mark.django_db
def test_too_many_wrong_current_passwords_get_a_429_page_for_the_signed_in(
    client, coordinator, settings
):
    client.force_login(coordinator)
    data = {"new_password1": "et-helt-nyt-kodeord-42", "new_password2": "et-helt-nyt-kodeord-42"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("password_change"), {**data, "old_password": "gæt"})
    assert response.status_code == 429
    html = response.content.decode()
    assert heading(html) == "For mange mislykkede forsøg"
    assert "du er stadig logget ind" in html and "Gå til mine projekter" in html


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", ["da", "en"])
def test_a_bug_gets_the_500_page(language):
    client = in_language(Client(raise_request_exception=False), language)
    html = assert_error_page(client.get("/tests/broken/"), 500, language)
    assert {"da": "Gå til forsiden", "en": "Go to the front page"}[language] in html


@pytest.mark.django_db
def test_the_csrf_page_has_a_way_back(coordinator):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": coordinator.username})
    assert response.status_code == 403
    assert "Gå tilbage" in response.content.decode()


# --- Why a reader sees no buttons ---------------------------------------------------------


def project_page(client, user, project, language="da") -> str:
    client.force_login(user)
    in_language(client, language)
    return client.get(reverse("project_detail", args=[project.pk])).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "notice"),
    [
        ("da", "Du har læseadgang til dette projekt."),
        ("en", "You have read access to this project."),
    ],
)
def test_a_viewer_is_told_they_read_and_whom_to_ask(client, viewer, project, language, notice):
    html = project_page(client, viewer, project, language)
    assert notice in html
    assert "Norddjurs Kommune" in html.split('id="access-notice"')[1].split("</p>")[0]
    assert 'role="group"' not in html.split('id="access-notice"')[1].split("Ændringshistorik")[0]
    assert reverse("lesson_create", args=[project.pk]) not in html
    assert reverse("status_update_create", args=[project.pk]) not in html


@pytest.mark.django_db
def test_a_participant_viewer_is_told_they_may_add_lessons_only(
    client, participant_viewer, project
):
    html = project_page(client, participant_viewer, project)
    assert "Du har læseadgang til dette projekt og kan tilføje erfaringer." in html
    assert "den ansvarlige organisation, Norddjurs Kommune" in html
    assert reverse("lesson_create", args=[project.pk]) in html
    assert reverse("status_update_create", args=[project.pk]) not in html


@pytest.mark.django_db
def test_a_participant_coordinator_is_told_what_they_record(client, participant, project):
    html = project_page(client, participant, project)
    assert "Norddjurs Kommune er ansvarlig for projektet og foretager ændringerne i det." in html
    assert "“Drift og gevinster”" in html


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["coordinator", "reviewer", "administrator"])
def test_those_with_their_own_buttons_get_no_notice(client, project, persona, request):
    html = project_page(client, request.getfixturevalue(persona), project)
    assert 'id="access-notice"' not in html


# --- Messages that say what happened and what to do ---------------------------------------


@pytest.fixture
def open_phase(project):
    return factories.PhaseFactory(project=project, started_on=date(2022, 1, 1))


@pytest.mark.django_db
def test_sending_a_saved_form_again_says_it_was_saved_and_not_to_correct_anything(
    client, coordinator, project, open_phase
):
    client.force_login(coordinator)
    url = reverse("status_update_create", args=[project.pk])
    form = payloads.status_update()
    client.post(url, form)
    again = client.post(url, form)
    html = again.content.decode()
    assert "Formularen er allerede gemt fra første gang, du sendte den" in html
    assert "åbn formularen igen fra projektsiden" in html
    assert "Ret venligst de markerede felter" not in html
    # Leaving the page loses nothing: the script is not told to warn.
    assert "data-unsaved" not in html
    assert StatusUpdate.objects.filter(project=project).count() == 1


@pytest.mark.django_db
def test_a_refused_form_is_marked_unsaved_and_says_where_to_look(client, coordinator, project):
    client.force_login(coordinator)
    url = reverse("status_update_create", args=[project.pk])
    html = client.post(url, payloads.status_update(progress="")).content.decode()
    assert "Intet blev gemt. Ret venligst de markerede felter nedenfor." in html
    assert "data-unsaved" in html
    assert "data-unsaved" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_refusal_above_the_fields_is_pointed_to_not_the_fields(
    coordinator, administrator, project
):
    note = factories.ReviewNoteFactory(project=project, kind="follow_up")
    first, second = Client(), Client()
    first.force_login(coordinator)
    second.force_login(administrator)
    url = reverse("review_note_answer", args=[project.pk, note.pk])
    second.post(url, {"answer": "Svar A", "version": 1})
    html = first.post(url, {"answer": "Svar B", "version": 1}).content.decode()
    assert "Intet blev gemt. Læs hvorfor øverst i formularen." in html
    assert "Ret venligst de markerede felter" not in html


@pytest.mark.django_db
def test_withdrawing_and_restoring_say_where_the_entry_went(client, coordinator, project):
    client.force_login(coordinator)
    update = factories.StatusUpdateFactory(project=project, progress="Fejlindtastning")
    confirmation = client.get(reverse("entry_withdraw", args=[project.pk, "updates", update.pk]))
    assert "Vil du trække denne statusopdatering tilbage?" in confirmation.content.decode()
    response = client.post(
        reverse("entry_withdraw", args=[project.pk, "updates", update.pk]), follow=True
    )
    html = response.content.decode()
    assert "er trukket tilbage og tæller ikke længere med nogen steder" in html
    assert "åbn de tilbagetrukne poster nederst i tidslinjen og vælg Gendan" in html
    assert "tilbagetrukket post" in html  # the list the message points to is there
    response = client.post(
        reverse("entry_restore", args=[project.pk, "updates", update.pk]), follow=True
    )
    assert "er gendannet og står igen i tidslinjen" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_archiving_says_what_it_hides_and_how_to_undo(client, administrator, project, language):
    client.force_login(administrator)
    in_language(client, language)
    response = client.post(reverse("project_archive", args=[project.pk]), follow=True)
    html = response.content.decode()
    undo = {"da": "vælg “Gendan projekt” her på siden", "en": "choose “Restore project” on this"}
    assert undo[language] in html
    assert {"da": "Gendan projekt", "en": "Restore project"}[language] in html  # the button
    response = client.post(reverse("project_restore", args=[project.pk]), follow=True)
    assert {"da": "vises igen i lister", "en": "appears in lists, the dashboard and exports"}[
        language
    ] in response.content.decode()
