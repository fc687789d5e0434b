"""The hostile edges: odd identifiers and cookies, guessed passwords, cached private pages,
headers on every response, and a CSRF failure that explains itself."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from projects.auth import client_ip

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize("value", ["²", "①", "-1", "1e3", "9" * 40, ""])
def test_odd_barrier_ids_in_the_lesson_link_are_ignored(client, coordinator, project, value):
    client.force_login(coordinator)
    response = client.get(reverse("lesson_create", args=[project.pk]), {"barrier": value})
    assert response.status_code == 200


@pytest.mark.parametrize("cookie", ["abc\x00def", "'; DROP TABLE x; --", "x" * 5000, "ÆØÅ"])
def test_any_session_cookie_gives_an_anonymous_session(client, cookie):
    response = client.get(reverse("project_list"), HTTP_COOKIE=f"sessionid={cookie}")
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_session_lasts_a_working_day_by_default(client, coordinator, settings):
    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": PASSWORD}
    )
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE == 8 * 3600


def test_guessing_the_old_password_is_throttled_like_a_login(client, coordinator, settings):
    client.force_login(coordinator)
    url = reverse("password_change")
    data = {"new_password1": "et-helt-nyt-kodeord-42", "new_password2": "et-helt-nyt-kodeord-42"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {**data, "old_password": "gæt"})
        assert response.status_code == 200
    assert client.post(url, {**data, "old_password": "gæt"}).status_code == 429
    response = client.post(url, {**data, "old_password": PASSWORD})
    assert response.status_code == 429
    coordinator.refresh_from_db()
    assert coordinator.check_password(PASSWORD)  # the right guess came too late


def test_guesses_at_one_account_from_many_addresses_are_slowed_not_locked(
    client, coordinator, settings
):
    settings.ACCOUNT_FAILURE_LIMIT = 3
    now = timezone.now()
    for number in range(4):  # four addresses, one failure each: under each address's limit
        AccessAttempt.objects.create(
            username=coordinator.username,
            ip_address=f"192.0.2.{number}",
            user_agent="x",
            get_data="",
            post_data="",
            http_accept="",
            path_info="/login/",
            failures_since_start=1,
            attempt_time=now,
        )
    data = {"username": coordinator.username, "password": PASSWORD}
    # The attempt times are set by the database row's own clock; start from the last one.
    last = AccessAttempt.objects.order_by("-attempt_time").first().attempt_time
    with time_machine.travel(last, tick=False) as clock:
        response = client.post(reverse("login"), data)
        assert response.status_code == 200
        assert "prøv igen om 2 sekunder" in response.content.decode()
        # The refused attempt checked no password and counted nothing.
        assert sum(a.failures_since_start for a in AccessAttempt.objects.all()) == 4
        clock.shift(timedelta(seconds=3))
        assert client.post(reverse("login"), data).status_code == 302


def test_the_client_address_comes_from_a_proxy_header_only_when_trusted(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    settings.TRUSTED_PROXY_HEADER = ""
    assert client_ip(request) == "10.0.0.5"
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what the proxy saw, not the client's claim


def test_private_pages_and_exports_are_not_stored(client, coordinator, project):
    assert "Cache-Control" not in client.get(reverse("health"))  # public, may be cached
    client.force_login(coordinator)
    for url in [
        reverse("project_list"),
        reverse("project_detail", args=[project.pk]),
        reverse("operation_decision", args=[project.pk, project.lead_organisation_id]),
        reverse("indicator_create", args=[project.pk]),
        reverse("spending_create", args=[project.pk]),
        reverse("export_csv"),
        reverse("export_xlsx"),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_static_files_and_the_bad_host_page_carry_the_security_headers(settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    static = Client().get("/static/css/site.css")
    bad_host = Client(HTTP_HOST="evil.example").get(reverse("login"))
    assert (static.status_code, bad_host.status_code) == (200, 400)
    for response in (static, bad_host):
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


def test_a_failed_csrf_check_explains_in_danish(coordinator):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": PASSWORD}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formularen kunne ikke sendes" in html and "https://" in html
