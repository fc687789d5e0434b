"""The catalogue of reusable solutions in the browser: a coordinator of one municipality
records interest in another municipality's solution and advances it; the owner sees the new
interest on its landing page and on the solution's page; every page passes axe."""

import pytest
from playwright.sync_api import expect

from projects.models import Adoption
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE, AXE_OPTIONS

pytestmark = pytest.mark.django_db(transaction=True)

SOLUTION = "DPIA-skabelon til AI-journalisering"  # Norddjurs Kommune's, in the demo data


def no_axe_violations(page) -> None:
    violations = AXE.run(page, options=AXE_OPTIONS).response["violations"]
    assert [violation["id"] for violation in violations] == []


def test_interest_is_recorded_advanced_and_seen_by_the_owner(demo, new_page, screenshot):
    page = new_page()
    log_in(page, "aalborg-koordinator")
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Løsninger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Genbrugelige løsninger")
    no_axe_violations(page)
    page.get_by_label("Søg").fill("DPIA")
    page.get_by_role("button", name="Vis løsninger").click()
    page.get_by_role("link", name=SOLUTION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SOLUTION)
    no_axe_violations(page)

    page.get_by_role("link", name="Vi er interesserede").click()
    expect(page.get_by_label("Kontaktperson")).to_have_value("Mette Madsen")
    no_axe_violations(page)
    page.get_by_role("button", name="Registrér genbrug").click()
    expect(page.get_by_role("status").first).to_contain_text("Aalborg Kommune")
    adoptions = page.get_by_role("region", name="Organisationer, der genbruger løsningen")
    expect(adoptions.get_by_role("row", name="Aalborg Kommune")).to_contain_text("Interesseret")
    # The offer to adopt is gone: the organisation's adoption is advanced instead.
    expect(page.get_by_role("link", name="Vi er interesserede")).to_have_count(0)

    page.get_by_role("link", name="Registrér næste trin for Aalborg Kommune").click()
    page.locator("#id_stage").select_option(label="Afprøver")
    no_axe_violations(page)
    page.get_by_role("button", name="Gem trin").click()
    row = page.get_by_role("region", name="Organisationer, der genbruger løsningen").get_by_role(
        "row", name="Aalborg Kommune"
    )
    expect(row).to_contain_text("Afprøver")
    expect(row).to_contain_text("Interesseret")  # the stage history, dated
    screenshot(page, "adopter")
    adoption = Adoption.objects.get(organisation__name="Aalborg Kommune")
    assert list(adoption.stage_changes.values_list("stage", flat=True)) == [
        "interested",
        "piloting",
    ]

    owner = new_page()
    log_in(owner, "norddjurs-koordinator")
    owner.goto("/projects/")
    notice = owner.get_by_role("region", name="Ny interesse for genbrug")
    expect(notice).to_contain_text(SOLUTION)
    no_axe_violations(owner)
    notice.get_by_role("link", name=SOLUTION).click()
    on_page = owner.get_by_role("region", name="Ny interesse for genbrug")
    expect(on_page).to_contain_text("Aalborg Kommune")
    no_axe_violations(owner)
    screenshot(owner, "owner")
    on_page.get_by_role("button", name="Markér som set").click()
    expect(owner.get_by_role("region", name="Ny interesse for genbrug")).to_have_count(0)
    owner.goto("/projects/")
    expect(owner.get_by_role("region", name="Ny interesse for genbrug")).to_have_count(0)
