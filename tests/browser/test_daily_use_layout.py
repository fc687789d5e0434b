"""Daily use at common screen widths: a project with two years of weekly updates stays a page
one can read, the portfolio's columns and filters fit the screen, no page is clipped sideways
at 360 px, and the breadcrumb names the project list as the menu does."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Barrier, Project, StatusUpdate, TrafficLight
from tests import factories
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = "Smartmail – udbredelse"
# Written before texts had a limit: a barrier of 15,000 characters.
LEGACY_DESCRIPTION = " ".join(f"hindring{number}" for number in range(1500))


def two_years_of_weekly_updates(project: Project) -> list[StatusUpdate]:
    today = timezone.localdate()
    return StatusUpdate.objects.bulk_create(
        StatusUpdate(
            project=project,
            reported_on=today - timedelta(weeks=week),
            overall_status=TrafficLight.GREEN,
            schedule_status=TrafficLight.YELLOW,
            budget_status=TrafficLight.GREEN,
            benefits_status=TrafficLight.GREEN,
            progress=(
                f"Uge {104 - week}: endnu en kommune er koblet på, og integrationen til "
                "fagsystemet er testet med rigtige sager. Styregruppen er orienteret."
            ),
            next_steps="Udrulning i næste kommune og opfølgning på databehandleraftalen.",
        )
        for week in range(104)
    )


def legacy_barrier(project: Project) -> Barrier:
    barrier = factories.BarrierFactory(
        project=project,
        title="Databehandleraftale med leverandøren",
        identified_on=timezone.localdate() - timedelta(days=3),
    )
    Barrier.objects.filter(pk=barrier.pk).update(description=LEGACY_DESCRIPTION)
    assert len(LEGACY_DESCRIPTION) >= 15_000
    return barrier


def timeline_entries(page):
    return page.locator("#timeline ol.timeline > li")


# 1. A long project page


@pytest.mark.parametrize("width", [1280, 360])
def test_a_project_with_two_years_of_weekly_updates_stays_readable(
    demo, new_page, screenshot, width
):
    project = Project.objects.get(title=PROJECT)
    updates = two_years_of_weekly_updates(project)
    barrier = legacy_barrier(project)
    page = new_page(width)
    log_in(page, "norddjurs-koordinator")
    page.goto(f"/projects/{project.pk}/")
    screenshot(page, f"project-{width}")

    # The newest 20 entries, and the long barrier described once, shortened.
    expect(timeline_entries(page)).to_have_count(20)
    # Drawn in full, the history and the barrier made this page 21,000 px tall at 1280 px.
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < {1280: 10_000, 360: 16_000}[width], f"the page is {height}px tall"
    timeline = page.locator("#timeline").bounding_box()["height"]
    assert timeline < {1280: 4_500, 360: 7_000}[width], f"the timeline is {timeline}px tall"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    card = page.locator("article").filter(
        has=page.get_by_role("heading", name=barrier.title, exact=True)
    )
    expect(card.locator(".long-text-excerpt")).to_contain_text("hindring0 hindring1")
    expect(card.locator(".long-text-excerpt")).to_be_visible()
    whole = card.locator(".long-text-whole p")
    expect(whole).to_contain_text("hindring1499")
    expect(whole).to_be_hidden()
    assert page.content().count(LEGACY_DESCRIPTION) == 1
    # Its timeline entry points to the description rather than repeating it.
    entry = page.locator(f"#barrier_opened-{barrier.pk}")
    expect(entry.get_by_text("hindring0", exact=False)).to_have_count(0)
    entry.get_by_role("link", name=re.compile("^Beskrevet under åbne barrierer")).click()
    expect(card.get_by_role("heading", name=barrier.title)).to_be_in_viewport()

    # The whole text, on request, and its beginning is not shown twice.
    card.locator("summary").filter(has_text="Læs hele teksten").click()
    expect(whole).to_be_visible()
    expect(card.locator(".long-text-excerpt")).to_be_hidden()
    screenshot(page, f"barrier-read-in-full-{width}")

    # "Vis flere": 20 more, and the page opens at the first of them.
    newest_first = sorted(updates, key=lambda update: update.reported_on, reverse=True)
    page.get_by_role("link", name=re.compile("^Vis flere")).click()
    expect(timeline_entries(page)).to_have_count(40)
    assert re.search(r"\?timeline=40#", page.url), page.url
    # The 21st entry: the 20 newest updates came before it, and the barrier of three days
    # ago sits among them.
    expect(page.locator(f"#status-{newest_first[19].pk}")).to_be_in_viewport()
    screenshot(page, f"project-more-{width}")


def test_the_longer_timeline_and_whole_texts_work_without_javascript(
    demo, browser, live_server, screenshot
):
    project = Project.objects.get(title=PROJECT)
    two_years_of_weekly_updates(project)
    legacy_barrier(project)
    context = browser.new_context(
        base_url=live_server.url,
        locale="da-DK",
        viewport={"width": 360, "height": 900},
        java_script_enabled=False,
    )
    try:
        page = context.new_page()
        log_in(page, "norddjurs-koordinator")
        page.goto(f"/projects/{project.pk}/")
        page.get_by_role("link", name=re.compile("^Vis flere")).click()
        expect(timeline_entries(page)).to_have_count(40)
        page.get_by_role("link", name=re.compile("^Vis flere")).click()
        expect(timeline_entries(page)).to_have_count(60)
        summary = page.locator("summary").filter(has_text="Læs hele teksten").first
        summary.click()
        expect(page.locator(".long-text-whole p").first).to_contain_text("hindring1499")
        expect(page.locator(".long-text-whole p").first).to_be_visible()
        screenshot(page, "without-javascript-360")
    finally:
        context.close()


# 2. The portfolio at laptop and phone widths


@pytest.mark.parametrize("width", [1366, 1280])
def test_the_portfolio_shows_every_column_on_a_laptop(demo, new_page, screenshot, width):
    page = new_page(width)
    log_in(page, "ds-reviewer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Portefølje")
    table = page.get_by_role(
        "region", name="Projekter, der kan sorteres efter kolonneoverskrifterne"
    )
    header = table.get_by_role("columnheader", name="Opmærksomhed")
    expect(header).to_be_in_viewport(ratio=1)
    # The whole table fits: nothing to scroll to, every attention flag is on screen.
    fits = table.evaluate("region => region.scrollWidth <= region.clientWidth")
    assert fits, "the portfolio table is wider than the page"
    flag = table.get_by_text("Eskaleret barriere").first
    box = flag.bounding_box()
    assert box and box["x"] + box["width"] <= width
    screenshot(page, f"portfolio-{width}")


def test_a_coordinator_reaches_their_projects_at_once_on_a_phone(demo, new_page, screenshot):
    page = new_page(360)
    log_in(page, "norddjurs-koordinator")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine projekter")
    # The filters are folded away: the two projects are on the first screen.
    more = page.locator("details.filter-more")
    expect(more).not_to_have_attribute("open", re.compile(".*"))
    expect(page.get_by_role("group", name="Nuværende fase")).to_be_hidden()
    expect(page.get_by_role("link", name=PROJECT)).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "portfolio-360")

    # The table scrolls sideways from the keyboard, in a region named by its caption.
    table = page.get_by_role(
        "region", name="Projekter, der kan sorteres efter kolonneoverskrifterne"
    )
    assert table.evaluate("region => region.scrollWidth > region.clientWidth")
    table.focus()
    expect(table).to_be_focused()
    for _press in range(60):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "region => region.scrollLeft + region.clientWidth >= region.scrollWidth - 1",
        arg=table.element_handle(),
        timeout=5_000,
    )
    expect(table.get_by_role("columnheader", name="Opmærksomhed")).to_be_in_viewport()
    screenshot(page, "portfolio-scrolled-360")

    # Unfold the filters, choose one: the list is filtered and the panel says so.
    more.locator("summary").click()
    page.get_by_role("group", name="Nuværende fase").get_by_label("Idriftsættelse").check()
    screenshot(page, "portfolio-filters-open-360")
    page.get_by_role("button", name="Vis projekter").click()
    expect(page.get_by_role("heading", name="1 projekt", exact=True)).to_be_visible()
    expect(more.locator("summary")).to_have_text("Flere filtre (1 i brug)")
    expect(more).to_have_attribute("open", "")
    # With the filters open, a link skips them on a narrow screen.
    page.get_by_role("link", name="Spring filtrene over og gå til resultaterne").click()
    expect(page.get_by_role("heading", name="1 projekt", exact=True)).to_be_in_viewport()
    # A new search keeps the folded filter.
    more.locator("summary").click()
    page.get_by_label("Søg").fill("Smartmail")
    page.get_by_role("button", name="Vis projekter").click()
    assert "current_phase=implementation" in page.url
    expect(page.get_by_role("link", name=PROJECT)).to_be_visible()
    screenshot(page, "portfolio-filtered-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "portfolio-filtered-1280")


# 3. No page clipped sideways


CLIPPING = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) problems.push(`the page scrolls sideways (${page}px)`);
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const inScroller = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) if (scrolls(up)) return true;
    return false;
  };
  const named = (el) => {
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    const text = ids.map((id) => document.getElementById(id)?.textContent || '').join('');
    return (el.getAttribute('aria-label') || text).trim().length > 0;
  };
  const name = (el) => `${el.tagName}.${el.className}`;
  for (const el of document.querySelectorAll('main *')) {
    if (el.closest('.visually-hidden')) continue;  // clipped on purpose, read by screen readers
    const overflow = getComputedStyle(el).overflowX;
    if (el.scrollWidth > el.clientWidth + 1 && overflow !== 'visible') {
      // Content wider than its box: only in a region one can scroll, by keyboard too.
      if (!scrolls(el)) problems.push(`${name(el)} clips its content (${overflow})`);
      else if (el.tabIndex < 0 || el.getAttribute('role') !== 'region' || !named(el))
        problems.push(`${name(el)} scrolls but is not a named region with keyboard focus`);
    }
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !inScroller(el))
      problems.push(`${name(el)} reaches past the screen (${Math.round(box.right)}px)`);
  }
  return [...new Set(problems)].slice(0, 10);
}"""


def pages_for(role: str) -> list[str]:
    project = Project.objects.get(title=PROJECT)
    participating = Project.objects.get(title="PLAI – planlægning i hjemmeplejen")
    base = f"/projects/{project.pk}"
    return {
        "coordinator": [
            "/projects/",
            f"{base}/",
            f"{base}/?timeline=40",
            f"{base}/history/",
            f"{base}/updates/new/",
            f"{base}/barriers/new/",
            "/lessons/",
            "/legal/",
        ],
        "viewer": ["/projects/", f"{base}/", "/lessons/"],
        "participant": ["/projects/", f"/projects/{participating.pk}/"],
        "reviewer": [
            "/projects/",
            "/projects/?area=administration&current_status=yellow",
            "/dashboard/",
            "/portfolio/decisions/",
            "/portfolio/legal-questions/",
            f"{base}/",
            f"{base}/history/",
            f"{base}/reviews/new/",
            "/lessons/",
            "/legal/",
        ],
        "administrator": ["/projects/?archived=1", "/dashboard/", f"{base}/"],
    }[role]


USERS = {
    "coordinator": "norddjurs-koordinator",
    "viewer": "norddjurs-laeser",
    "participant": "syddjurs-koordinator",
    "reviewer": "ds-reviewer",
    "administrator": "ds-admin",
}


@pytest.mark.parametrize("role", list(USERS))
def test_no_page_is_clipped_sideways(demo, new_page, screenshot, role):
    project = Project.objects.get(title=PROJECT)
    two_years_of_weekly_updates(project)
    legacy_barrier(project)
    problems = []
    for width in (360, 1280, 1366):
        page = new_page(width)
        log_in(page, USERS[role])
        for url in pages_for(role):
            response = page.goto(url)
            assert response.status == 200, url
            problems += [f"{width}px {url}: {problem}" for problem in page.evaluate(CLIPPING)]
            if width == 360 or url.startswith(("/projects/?", "/dashboard/", "/portfolio/")):
                screenshot(page, f"{width}-{re.sub(r'[^a-z0-9]+', '-', url).strip('-')}")
        page.context.close()
    assert problems == [], "\n".join(problems)


# 4. The breadcrumb and the menu agree


@pytest.mark.parametrize(
    ("user", "name"), [("ds-reviewer", "Portefølje"), ("norddjurs-koordinator", "Mine projekter")]
)
@pytest.mark.parametrize("width", [1280, 360])
def test_the_breadcrumb_names_the_list_as_the_menu_does(
    demo, new_page, screenshot, user, name, width
):
    project = Project.objects.get(title=PROJECT)
    page = new_page(width)
    log_in(page, user)
    menu = page.get_by_role("navigation", name="Hovedmenu")
    if width < 768:
        menu.get_by_role("button", name="Vis menu").click()
    expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    breadcrumb = page.get_by_role("navigation", name="Brødkrummesti")
    for url in (f"/projects/{project.pk}/", f"/projects/{project.pk}/history/"):
        page.goto(url)
        expect(breadcrumb.get_by_role("link").first).to_have_text(name)
    screenshot(page, f"breadcrumb-{width}")
    breadcrumb.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
