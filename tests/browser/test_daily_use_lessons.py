"""Lessons in daily use: a coordinator of another municipality finds a shared lesson in the
library and reads it on its own page; for every demo role, every link of the library leads
somewhere (no 404)."""

import re
from urllib.parse import urljoin

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from projects.access import lessons_visible_to, projects_visible_to
from projects.models import LessonVisibility
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE, AXE_OPTIONS

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_ROLES = [
    "ds-admin",
    "ds-reviewer",
    "norddjurs-koordinator",
    "norddjurs-laeser",
    "aalborg-koordinator",
    "syddjurs-koordinator",
    "kbh-koordinator",
    "regionh-koordinator",
]


def a_lesson_shared_by_another_organisation(username: str):
    """A lesson the user reads only because it is shared: its project is not theirs."""
    user = get_user_model().objects.get(username=username)
    return (
        lessons_visible_to(user)
        .filter(visibility=LessonVisibility.PORTFOLIO, project__archived=False)
        .exclude(project__in=projects_visible_to(user))
        .select_related("project__lead_organisation")
        .order_by("-learned_on", "-pk")
        .first()
    )


def test_a_coordinator_of_another_organisation_reads_a_shared_lesson(demo, new_page, screenshot):
    lesson = a_lesson_shared_by_another_organisation("aalborg-koordinator")
    assert lesson is not None, "the demo data shares lessons across organisations"
    for width in (1280, 360):
        page = new_page(width)
        log_in(page, "aalborg-koordinator")
        page.goto("/lessons/")
        page.get_by_label("Søg").fill(lesson.title)
        page.get_by_role("button", name="Vis erfaringer").click()
        page.get_by_role("link", name=lesson.title, exact=True).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
        expect(page.get_by_role("heading", name="Hvad skete der")).to_be_visible()
        expect(page.get_by_role("heading", name="Gode råd til andre")).to_be_visible()
        expect(page.get_by_role("heading", name="Spørg om erfaringen")).to_be_visible()
        about = page.get_by_role("complementary")
        expect(about).to_contain_text(lesson.project.lead_organisation.name)
        expect(about).to_contain_text(lesson.project.title)
        # The project is named, not linked: its page is not this user's to open.
        expect(page.get_by_role("link", name=lesson.project.title)).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        violations = AXE.run(page, options=AXE_OPTIONS).response["violations"]
        assert [violation["id"] for violation in violations] == []
        screenshot(page, f"lesson-{width}")
        # Back in the library through the breadcrumb.
        page.get_by_role("navigation", name="Brødkrummesti").get_by_role(
            "link", name="Erfaringer"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Erfaringer")


def library_links(page) -> set[str]:
    """Every link on every page of the library, as absolute addresses."""
    links: set[str] = set()
    url = "/lessons/"
    while url:
        page.goto(url)
        origin = page.evaluate("location.origin")
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        links.update(href.split("#")[0] for href in hrefs if href.startswith(origin + "/"))
        following = page.get_by_role("link", name="Næste")
        url = urljoin(page.url, following.get_attribute("href")) if following.count() else None
    return links


@pytest.mark.parametrize("username", DEMO_ROLES)
def test_every_link_of_the_library_leads_somewhere(demo, new_page, username):
    page = new_page()
    log_in(page, username)
    links = library_links(page)
    lesson_pages = [link for link in links if re.search(r"/lessons/\d+/$", link)]
    assert lesson_pages, "the library links each lesson to its page"
    broken = {}
    for link in sorted(links):
        status = page.request.get(link).status
        if status >= 400:
            broken[link] = status
    assert broken == {}
