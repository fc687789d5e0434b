"""A signed-out visitor finds a published algorithm through the register's search and reads
it, in Danish and in English, with no accessibility violations on the way."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.test_accessibility import check

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def real_projects(transactional_db):
    call_command("seed_demo", "--projects", "0", stdout=StringIO())


def test_a_visitor_finds_and_reads_a_published_algorithm(real_projects, new_page):
    page = new_page()
    report = {"rules": set(), "pages": 0}
    problems = []

    page.goto("/login/")
    page.get_by_role("link", name="Algoritmeregister", exact=True).click()
    assert page.locator("h1").inner_text() == "Offentligt algoritmeregister"
    problems += check(page, "register", report)

    page.get_by_role("searchbox", name="Søg").fill("aktindsigt")
    page.get_by_role("button", name="Vis algoritmer").click()
    results = page.locator("article")
    expect(results).to_have_count(1)
    assert "1 algoritme" in page.locator("#result-heading").inner_text()
    problems += check(page, "register search", report)

    results.get_by_role("link", name="Forberedelse af dokumenter til aktindsigt").click()
    assert page.locator("h1").inner_text() == "Forberedelse af dokumenter til aktindsigt"
    assert page.get_by_text("Sønderborg Kommune").first.is_visible()
    assert page.get_by_text("Formål og virkning").is_visible()
    assert page.get_by_role("link", name="Offentlighedsloven").is_visible()
    assert "Version 1" in page.content()
    problems += check(page, "register record", report)

    # The language switch works signed out and keeps the visitor on the record.
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Forberedelse af dokumenter til aktindsigt"
    assert page.get_by_text("Purpose and impact").is_visible()
    assert page.get_by_text("In use", exact=True).is_visible()
    problems += check(page, "register record (English)", report)

    page.get_by_role("link", name="Back to the register").click()
    page.get_by_role("searchbox", name="Search").fill("flådestyring")
    page.get_by_role("button", name="Show algorithms").click()
    expect(page.locator("article")).to_have_count(1)
    assert "1 algorithm" in page.locator("#result-heading").inner_text()
    problems += check(page, "register search (English)", report)
    assert problems == [], "\n".join(problems)
