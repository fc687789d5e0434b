"""The character count under text fields, as a person sees and hears it in Chromium."""

import pytest
from playwright.sync_api import expect

from projects.models import Project
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def status_update_form(page):
    project = Project.objects.get(title="Smartmail – udbredelse")
    page.goto(f"/projects/{project.pk}/updates/new/")
    return page.get_by_label("Fremdrift")


def counter_of(page, field):
    counter_id = field.get_attribute("aria-describedby").split()[-1]
    return page.locator(f"#{counter_id}")


def test_typing_updates_the_count_and_near_the_limit_it_is_announced(demo, new_page):
    page = new_page()
    log_in(page, "norddjurs-koordinator")
    progress = status_update_form(page)
    counter = counter_of(page, progress)
    expect(counter).to_have_text("0 / 5.000 tegn")

    progress.press_sequentially("Hej med dig")
    expect(counter).to_have_text("11 / 5.000 tegn")
    live = counter.locator("xpath=following-sibling::*[@aria-live='polite'][1]")
    expect(live).to_have_text("")  # far from the limit nothing is announced

    progress.fill("x" * 4_500)
    progress.press_sequentially("yz")
    expect(counter).to_have_text("4.502 / 5.000 tegn – 498 tilbage")
    expect(counter).to_have_class("form-text char-count char-count-near")
    expect(live).to_have_text("Du har 498 tegn tilbage.")

    # The browser stops at the limit; the count says so in words.
    progress.press_sequentially("z" * 600)
    expect(counter).to_have_text("5.000 / 5.000 tegn – 0 tilbage")
    expect(live).to_have_text("Du har brugt alle 5.000 tegn.")


def test_the_count_is_in_english_on_english_pages(demo, new_page, live_server):
    page = new_page()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/login/")
    page.get_by_label("Username").fill("norddjurs-koordinator")
    page.get_by_label("Password").fill("signatur-demo-2026")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    project = Project.objects.get(title="Smartmail – udbredelse")
    page.goto(f"/projects/{project.pk}/updates/new/")
    progress = page.get_by_label("Progress")

    progress.fill("x" * 1_233)
    progress.press_sequentially("y")
    expect(counter_of(page, progress)).to_have_text("1,234 / 5,000 characters")
