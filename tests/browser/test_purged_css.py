"""The cut-down Bootstrap style sheet draws the pages exactly as Bootstrap's full one does.

Each page is drawn twice in one browser, first with the built style sheet and then with
Bootstrap's full file swapped in, and the two screenshots are compared pixel by pixel. A crawl
of the pages for two roles checks that every Bootstrap rule matching their classes was kept,
which covers what a screenshot cannot show (hover, focus, other pages)."""

import base64
import json
import re
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.staticfiles import finders
from playwright.sync_api import expect

from projects.models import Project
from tests.browser.conftest import SCREENSHOTS, log_in
from tests.test_front_end import BUILT_CSS, FULL_CSS, _classes_in_css, _selectors

pytestmark = pytest.mark.django_db(transaction=True)

FULL_MINIFIED = "/static/vendor/bootstrap/css/bootstrap.min.css"
PROJECT = "Smartmail – udbredelse"
# Chromium draws an SVG background decoded anew (Bootstrap's menu icon) a level or two off in a
# few edge pixels, even when a style sheet is swapped for itself; a style lost shows far more.
NOISE = 4


def _use_full_bootstrap(page):
    """Swap the page's style sheet for Bootstrap's full one, keeping the page as it is."""
    page.evaluate(
        """([built, full]) => new Promise((resolve, reject) => {
            const link = document.querySelector(`link[rel=stylesheet][href="${built}"]`);
            if (!link) { reject(new Error("no link to " + built)); return; }
            link.addEventListener("load", resolve, {once: true});
            link.addEventListener("error", reject, {once: true});
            link.href = full;
        })""",
        [f"/static/{BUILT_CSS}", FULL_MINIFIED],
    )
    page.evaluate("() => new Promise((resolve) => requestAnimationFrame(() => resolve()))")


def _differing_pixels(browser, first: Path, second: Path) -> dict:
    if first.read_bytes() == second.read_bytes():
        return {"differing": 0, "identical_files": True}
    context = browser.new_context()
    try:
        page = context.new_page()
        return page.evaluate(
            """async ([sources, tolerance]) => {
                const load = (src) => new Promise((resolve, reject) => {
                    const image = new Image();
                    image.onload = () => resolve(image);
                    image.onerror = reject;
                    image.src = src;
                });
                const [a, b] = await Promise.all(sources.map(load));
                if (a.width !== b.width || a.height !== b.height) {
                    return {differing: -1, sizes: [[a.width, a.height], [b.width, b.height]]};
                }
                const pixels = (image) => {
                    const canvas = document.createElement("canvas");
                    canvas.width = image.width;
                    canvas.height = image.height;
                    const context = canvas.getContext("2d");
                    context.drawImage(image, 0, 0);
                    return context.getImageData(0, 0, image.width, image.height).data;
                };
                const [p, q] = [pixels(a), pixels(b)];
                let differing = 0, off_by_noise = 0;
                for (let i = 0; i < p.length; i += 4) {
                    const most = Math.max(
                        ...[0, 1, 2, 3].map((c) => Math.abs(p[i + c] - q[i + c])),
                    );
                    if (most > tolerance) {
                        differing++;
                    } else if (most) {
                        off_by_noise++;
                    }
                }
                return {differing, off_by_noise, pixels: p.length / 4, identical_files: false};
            }""",
            [
                [
                    "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()
                    for path in (first, second)
                ],
                NOISE,
            ],
        )
    finally:
        context.close()


def _open_menu(page):
    page.get_by_role("button", name="Vis menu").click()
    expect(page.locator("#main-nav.collapse.show")).to_be_visible()
    page.wait_for_function("!document.querySelector('#main-nav.collapsing')")


def _scenarios(project_pk: int) -> list[tuple]:
    """(name, user or None, width, path, what to do on the page first)."""

    def wrong_password(page):
        page.get_by_label("Brugernavn").fill("norddjurs-koordinator")
        page.get_by_label("Adgangskode").fill("forkert")
        page.get_by_role("button", name="Log ind").click()
        expect(page.locator(".alert-danger, .invalid-feedback").first).to_be_visible()

    def empty_status_update(page):
        page.get_by_role("button", name="Gem statusopdatering").click()
        expect(page.locator(".is-invalid").first).to_be_visible()

    status_form = f"/projects/{project_pk}/updates/new/"
    return [
        ("login", None, 1280, "/login/", None),
        ("login-refused", None, 1280, "/login/", wrong_password),
        ("project-list", "ds-reviewer", 1280, "/projects/", None),
        ("dashboard", "ds-reviewer", 1280, "/dashboard/", None),
        ("project", "norddjurs-koordinator", 1280, f"/projects/{project_pk}/", None),
        ("status-form", "norddjurs-koordinator", 1280, status_form, None),
        ("status-form-errors", "norddjurs-koordinator", 1280, status_form, empty_status_update),
        ("project-list-360", "norddjurs-koordinator", 360, "/projects/", None),
        ("menu-360-expanded", "norddjurs-koordinator", 360, "/projects/", _open_menu),
        ("project-360", "norddjurs-koordinator", 360, f"/projects/{project_pk}/", None),
    ]


def test_pages_look_the_same_as_with_bootstraps_full_style_sheet(demo, browser, new_page, request):
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def screenshot(page, name: str) -> Path:
        # Transitions (a focus ring fading in) are finished first, so both shots are still.
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        return path

    project_pk = Project.objects.get(title=PROJECT).pk
    results = {}
    for number, (name, user, width, path, action) in enumerate(_scenarios(project_pk), 1):
        page = new_page(width)
        if user:
            log_in(page, user)
        page.goto(path)
        if action:
            action(page)
        built = screenshot(page, f"{number:02d}-{name}-built")
        _use_full_bootstrap(page)
        full = screenshot(page, f"{number:02d}-{name}-full-bootstrap")
        results[name] = _differing_pixels(browser, built, full)
        page.context.close()
    (SCREENSHOTS.parent / "css-pixel-diff.json").write_text(json.dumps(results, indent=2))
    different = {name: result for name, result in results.items() if result["differing"]}
    assert not different, f"pages drawn differently with the built style sheet: {different}"


def _shape(url: str) -> str:
    """Pages that differ only in their numbers or query values count as one."""
    parts = urlsplit(url)
    keys = sorted({key for key, _value in parse_qsl(parts.query)})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


SKIP = re.compile(r"^/(admin|static|logout|health|api)/|/export\.|/withdraw/|/restore/|/archive/")


def _crawl(page, start: str, limit: int = 60) -> set[str]:
    """The classes on each kind of page reachable by links from `start`."""
    classes, seen, queue = set(), {_shape(start)}, deque([start])
    origin = urlsplit(page.url)._replace(path="", query="", fragment="").geturl()
    visited = 0
    while queue and visited < limit:
        path = queue.popleft()
        response = page.goto(path)
        visited += 1
        assert response.ok, f"{path} answered {response.status}"
        found = page.evaluate(
            """() => ({
                classes: [...new Set([...document.querySelectorAll("[class]")]
                    .flatMap((element) => [...element.classList]))],
                links: [...document.querySelectorAll("a[href]")].map((link) => link.href),
            })"""
        )
        classes.update(found["classes"])
        for link in found["links"]:
            if not link.startswith(origin + "/"):
                continue
            parts = urlsplit(link)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if SKIP.search(parts.path) or _shape(target) in seen:
                continue
            seen.add(_shape(target))
            queue.append(target)
    return classes


def test_every_bootstrap_rule_the_pages_use_is_kept(demo, new_page):
    used = set()
    for user in ("ds-admin", "norddjurs-koordinator"):
        page = new_page()
        log_in(page, user)
        used |= _crawl(page, "/projects/")
        page.goto("/projects/")
        page.set_viewport_size({"width": 360, "height": 800})
        _open_menu(page)
        used |= set(page.evaluate("[...document.querySelector('#main-nav').classList]"))
    kept = _classes_in_css(finders.find(BUILT_CSS))
    missing = {}
    for selector in _selectors(finders.find(FULL_CSS)):
        classes = set(re.findall(r"\.(-?[A-Za-z_][\w-]*)", selector))
        if classes and classes <= used and not classes <= kept:
            missing[selector] = sorted(classes - kept)
    assert not missing, f"Bootstrap rules for classes on the pages were dropped: {missing}"
