"""The portfolio administrator's daily use of the Django admin: finding users by their
organisation and role, and adding a user with an organisation and a role in one step."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from projects.models import Membership, Role
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Kattegat-kysten-2026"
PASSWORD_LABEL = re.compile(r"^Adgangskode:?$")


def choose_organisation(page, row: int, name: str) -> None:
    """Pick an organisation in the membership row's search box."""
    page.locator(f"#memberships-{row} .select2-selection").click()
    page.locator(".select2-search__field").fill(name.split()[0])
    page.get_by_role("option", name=name, exact=True).click()


def test_administrator_adds_a_user_with_organisation_and_role_in_one_step(
    demo, new_page, screenshot
):
    page = new_page(1280)
    log_in(page, "ds-admin")
    page.goto("/admin/auth/user/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vælg bruger, der skal ændres")
    row = page.get_by_role("row").filter(has_text="norddjurs-koordinator")
    expect(row.locator("td.field-organisations")).to_have_text("Norddjurs Kommune")
    expect(row.locator("td.field-roles")).to_have_text("Koordinator")
    expect(page.get_by_role("link", name="Grupper")).to_have_count(0)

    # The filters find the members of an organisation with a role.
    page.get_by_role("link", name="Norddjurs Kommune", exact=True).click()
    page.get_by_role("link", name="Læser", exact=True).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list tbody")).to_contain_text("norddjurs-laeser")
    screenshot(page, "user-list-filtered")
    page.goto("/admin/auth/user/")
    screenshot(page, "user-list")

    page.get_by_role("link", name="Tilføj bruger").click()
    # The admin's script sets up the password fields when the page has loaded; typing before
    # that is undone by it on a slow machine.
    page.wait_for_load_state("load")
    page.get_by_label("Brugernavn").fill("mette-norddjurs")
    page.get_by_label(PASSWORD_LABEL).fill(NEW_PASSWORD)
    page.get_by_label("Bekræftelse af adgangskode").fill(NEW_PASSWORD)
    page.get_by_label("Fornavn").fill("Mette")
    page.get_by_label("Efternavn").fill("Mikkelsen")
    page.get_by_label("E-mail-adresse").fill("mette@norddjurs.dk")
    # The membership row is there to fill in; a municipality has no portfolio reviewer.
    choose_organisation(page, 0, "Norddjurs Kommune")
    page.locator("select[name='memberships-0-role']").select_option(label="Porteføljemedarbejder")
    page.get_by_role("button", name="Gem", exact=True).click()

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("#memberships-0 .errorlist")).to_contain_text("Koordinator eller Læser")
    # The passwords typed are still there: only the role is corrected.
    expect(page.get_by_label(PASSWORD_LABEL)).to_have_value(NEW_PASSWORD)
    expect(page.get_by_label("Bekræftelse af adgangskode")).to_have_value(NEW_PASSWORD)
    screenshot(page, "add-user-error")
    assert not get_user_model().objects.filter(username="mette-norddjurs").exists()

    page.locator("select[name='memberships-0-role']").select_option(label="Koordinator")
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("mette-norddjurs")
    user = get_user_model().objects.get(username="mette-norddjurs")
    assert user.get_full_name() == "Mette Mikkelsen"
    assert list(Membership.objects.filter(user=user).values_list("organisation__name", "role")) == [
        ("Norddjurs Kommune", Role.COORDINATOR)
    ]
    # The saved user's page shows the membership and no password.
    expect(page.locator("select[name='memberships-0-role']")).to_have_value(Role.COORDINATOR)
    assert NEW_PASSWORD not in page.content()
    screenshot(page, "user-form")

    # On a phone.
    phone = new_page(360)
    log_in(phone, "ds-admin")
    phone.goto("/admin/auth/user/")
    expect(phone.locator("#result_list")).to_contain_text("mette-norddjurs")
    screenshot(phone, "user-list-360")
    phone.goto(f"/admin/auth/user/{user.pk}/change/")
    expect(phone.get_by_label("Fornavn")).to_have_value("Mette")
    expect(phone.locator("#memberships-0")).to_contain_text("Norddjurs Kommune")
    screenshot(phone, "user-form-360")

    # The new coordinator signs in with the password kept through the correction and finds
    # the municipality's projects.
    coordinator = new_page(1280)
    log_in(coordinator, "mette-norddjurs", NEW_PASSWORD)
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Mine projekter")
