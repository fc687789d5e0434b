"""Password reset: Django's flow in the site's layout, one neutral answer whether or not the
address belongs to anyone, no link for an organisation that signs in through its identity
provider, throttled per address and per client, e-mails in the user's language."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from projects.models import Organisation, Role
from tests import factories

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Nyt-og-langt-2026"
NEUTRAL = "Hvis adressen hører til en konto, der logger ind med adgangskode"


@pytest.fixture
def member(norddjurs):
    user = factories.MembershipFactory(organisation=norddjurs, role=Role.COORDINATOR).user
    user.email = "koordinator@norddjurs.dk"
    user.set_password("gammel-adgangskode-1")
    user.save()
    return user


def ask(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, follow=True, **extra)


def test_the_login_page_offers_a_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert "Glemt adgangskode?" in page and reverse("password_reset") in page


def test_the_answer_is_the_same_whether_or_not_the_address_exists(client, member):
    known = ask(client, "koordinator@norddjurs.dk")
    unknown = ask(client, "nobody@example.org", REMOTE_ADDR="10.0.0.2")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert NEUTRAL in known.content.decode() and NEUTRAL in unknown.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["koordinator@norddjurs.dk"]


def test_the_reset_flow_end_to_end(client, member):
    ask(client, "Koordinator@Norddjurs.dk")
    message = mail.outbox[0]
    assert "Vælg en ny adgangskode" in message.subject
    assert member.get_username() in message.body
    link = re.search(r"https?://\S+", message.body).group(0)
    page = client.get(link, follow=True)
    assert page.status_code == 200 and "Vælg en ny adgangskode" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    done = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert "Din nye adgangskode er gemt" in done.content.decode()
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    # The link works once.
    again = client.get(link, follow=True)
    assert "Linket kan ikke bruges" in again.content.decode()


def test_a_weak_new_password_is_refused(client, member):
    ask(client, "koordinator@norddjurs.dk")
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page = client.get(link, follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    member.refresh_from_db()
    assert member.check_password("gammel-adgangskode-1")


def test_no_link_where_the_organisation_turned_password_login_off(client, member, norddjurs):
    if not hasattr(Organisation, "password_login_allowed"):
        pytest.skip("organisations cannot turn password login off in this version")
    Organisation.objects.filter(pk=norddjurs.pk).update(password_login_allowed=False)
    response = ask(client, "koordinator@norddjurs.dk")
    assert NEUTRAL in response.content.decode()
    assert mail.outbox == []


def test_the_email_is_in_the_users_language(client, member):
    from projects.models.notifications import LanguagePreference

    LanguagePreference.objects.create(user=member, language="en")
    ask(client, "koordinator@norddjurs.dk")
    assert "Choose a new password for sigprojects" in mail.outbox[0].subject
    assert "Open this link to choose a new password" in mail.outbox[0].body


def test_danish_is_the_default_language_of_the_email(client, member):
    client.cookies["django_language"] = "en"  # the asker's browser does not decide
    ask(client, "koordinator@norddjurs.dk")
    assert "Åbn dette link for at vælge en ny adgangskode" in mail.outbox[0].body


def test_requests_are_throttled_per_address(client, member, settings):
    settings.PASSWORD_RESET_EMAIL_HOURLY_LIMIT = 2
    for n in range(2):
        assert ask(client, "koordinator@norddjurs.dk", REMOTE_ADDR=f"10.0.1.{n}").status_code == 200
    refused = client.post(
        reverse("password_reset"), {"email": "KOORDINATOR@norddjurs.dk"}, REMOTE_ADDR="10.0.1.9"
    )
    assert refused.status_code == 429
    assert "Prøv igen om en time" in refused.content.decode()
    assert len(mail.outbox) == 2
    # An unknown address is refused alike: the throttle tells nothing about who exists.
    for n in range(2):
        ask(client, "nobody@example.org", REMOTE_ADDR=f"10.0.2.{n}")
    unknown = client.post(
        reverse("password_reset"), {"email": "nobody@example.org"}, REMOTE_ADDR="10.0.2.9"
    )
    assert unknown.status_code == 429


def test_requests_are_throttled_per_client(client, member, settings):
    settings.PASSWORD_RESET_ADDRESS_HOURLY_LIMIT = 3
    for n in range(3):
        assert ask(client, f"someone{n}@example.org", REMOTE_ADDR="10.9.9.9").status_code == 200
    refused = client.post(
        reverse("password_reset"), {"email": "koordinator@norddjurs.dk"}, REMOTE_ADDR="10.9.9.9"
    )
    assert refused.status_code == 429
    assert mail.outbox == []
    # Another client is not affected.
    assert ask(client, "koordinator@norddjurs.dk", REMOTE_ADDR="10.9.9.8").status_code == 200
    assert len(mail.outbox) == 1


def test_the_pages_are_in_the_sites_layout(client):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        html = client.get(reverse(name)).content.decode()
        assert 'id="main"' in html and "Signaturprojekter" in html
