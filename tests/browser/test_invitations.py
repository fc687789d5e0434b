"""A coordinator invites a colleague; the colleague opens the link from the e-mail, chooses a
password and lands on the organisation's projects. Every new page is checked with axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from projects.models import Membership, Role
from tests import factories
from tests.browser.conftest import log_in
from tests.browser.contrast import contrast_problems

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}
PASSWORD = "Koordinator-kode-2026"
NEW_PASSWORD = "Ny-kollega-kode-2026"


def accessibility_problems(page) -> list[str]:
    response = AXE.run(page, options=AXE_OPTIONS).response
    problems = [
        f"{page.url}: {violation['id']} at {[n['target'] for n in violation['nodes']][:3]}"
        for violation in response["violations"]
    ]
    return problems + contrast_problems(page, page.url, response)


def test_a_coordinator_invites_a_colleague_who_joins(new_page, live_server, screenshot):
    norddjurs = factories.OrganisationFactory(name="Norddjurs Kommune", short_code="707")
    factories.ProjectFactory(title="Intelligent journalisering", lead_organisation=norddjurs)
    factories.ProjectFactory(title="Et andet kommunes projekt")
    coordinator = factories.MembershipFactory(organisation=norddjurs, role=Role.COORDINATOR).user
    coordinator.set_password(PASSWORD)
    coordinator.save()

    page = new_page()
    log_in(page, coordinator.username, PASSWORD)
    page.get_by_role("link", name="Invitationer").first.click()
    page.wait_for_url(re.compile(r"/invitations/$"))
    page.get_by_role("link", name="Inviter en kollega").click()
    page.wait_for_url(re.compile(r"/invitations/new/$"))
    problems = accessibility_problems(page)
    page.get_by_label("E-mailadresse").fill("ny.kollega@example.org")
    page.get_by_label("Rolle").select_option(label="Læser")
    screenshot(page, "invitation-form")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_url(re.compile(r"/invitations/$"))
    assert page.get_by_text("Invitationen er sendt til ny.kollega@example.org").is_visible()
    assert page.get_by_role("cell", name="ny.kollega@example.org", exact=True).is_visible()
    problems += accessibility_problems(page)
    screenshot(page, "invitation-list")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url)
    # The inviter's page never shows the link.
    assert link.rsplit("/", 2)[-2] not in page.content()

    colleague = new_page(360)
    colleague.goto(link)
    assert colleague.get_by_role("heading", name="Invitation til Norddjurs Kommune").is_visible()
    problems += accessibility_problems(colleague)
    colleague.get_by_label("Fornavn").fill("Ny")
    colleague.get_by_label("Efternavn").fill("Kollega")
    colleague.locator("#id_password1").fill(NEW_PASSWORD)
    colleague.get_by_label("Adgangskode igen").fill(NEW_PASSWORD)
    screenshot(colleague, "accept")
    colleague.get_by_role("button", name="Opret konto og accepter").click()
    colleague.wait_for_url(re.compile(r"/projects/$"))
    assert colleague.get_by_text("Velkommen. Du er nu Læser i Norddjurs Kommune.").is_visible()
    assert colleague.get_by_role("link", name="Intelligent journalisering").is_visible()
    assert colleague.get_by_text("Et andet kommunes projekt").count() == 0
    screenshot(colleague, "landed")
    assert Membership.objects.get(user__username="ny.kollega@example.org").role == Role.VIEWER

    # The link is used up: a clear page, checked with axe too.
    used = new_page()
    used.goto(link)
    assert used.get_by_role("heading", name="Invitationen kan ikke bruges").is_visible()
    assert used.get_by_text("Invitationen er allerede brugt").is_visible()
    problems += accessibility_problems(used)

    reset = new_page()
    reset.goto("/login/")
    reset.get_by_role("link", name="Glemt adgangskode?").click()
    reset.wait_for_url(re.compile(r"/password/reset/$"))
    problems += accessibility_problems(reset)
    reset.get_by_label("E-mailadresse").fill("ny.kollega@example.org")
    reset.get_by_role("button", name="Send link").click()
    reset.wait_for_url(re.compile(r"/password/reset/sent/$"))
    problems += accessibility_problems(reset)
    assert problems == []
