"""The contrast measurement of tests/browser/contrast.py on a small page of known colours.

The expected ratios are worked out here with WCAG 2.1's formula, independently of the
measurement in the page: #0d6efd on #fff3cd (Bootstrap's link blue on its warning yellow) is
4.06:1 and fails, #084298 on the same yellow is 8.45:1 and passes.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.contrast import contrast_problems, htmlcs_messages, measure

ORIGIN = "http://contrast.test"
STYLE = """
body { margin: 0; font: 16px/1.5 sans-serif; color: #212529; background: #fff; }
td { padding: .5rem; }
.warning { background-color: #fff3cd; }
.faint { color: #0d6efd; }
.strong { color: #084298; }
.half-black { color: rgba(0, 0, 0, .5); }
.veiled { opacity: .5; background-color: #000; color: #fff; }
.striped { box-shadow: inset 0 0 0 9999px rgba(0, 0, 0, .05); }
.gradient { background-image: linear-gradient(#fff3cd, #fff3cd); }
.large { font-size: 24px; }
.bold-14pt { font-size: 18.6667px; font-weight: 700; }
.bold-18px { font-size: 18px; font-weight: 700; }
.scroller { width: 200px; overflow-x: auto; background-image: linear-gradient(#fff3cd, #fff3cd); }
.scroller table { width: 1200px; }
.far { padding-left: 900px; }
"""
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Contrast</title>
<link rel="stylesheet" href="/page.css"></head>
<body><main>
<h1>Contrast</h1>
<table><tbody><tr>
  <td class="warning"><a id="failing" class="faint" href="/a">3</a></td>
  <td class="warning"><a id="passing" class="strong" href="/b">4</a></td>
  <td class="striped"><a id="striped" class="faint" href="/c">5</a></td>
</tr></tbody></table>
<p id="alpha" class="half-black">Half-transparent black text</p>
<div class="veiled"><span id="opacity">White text in a half-transparent box</span></div>
<div class="gradient"><a id="gradient" class="faint" href="/d">7</a></div>
<p class="warning"><span id="large" class="faint large">Large text</span>
  <span id="bold-14pt" class="faint bold-14pt">Bold 14 point</span>
  <span id="bold-18px" class="faint bold-18px">Bold 18 pixels</span></p>
<div class="scroller"><table><tbody><tr><td>First</td>
  <td class="far"><a id="scrolled" class="faint" href="/e">9</a></td></tr></tbody></table></div>
</main></body></html>
"""


def wcag_ratio(first, second) -> float:
    """Contrast of two colours, each "#rrggbb" or an (r, g, b) of 0-255 values."""

    def luminance(colour) -> float:
        if isinstance(colour, str):
            colour = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        channels = [c / 255 for c in colour]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted([luminance(first), luminance(second)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture
def page(browser):
    """The page above, served with the application's script policy (scripts from 'self')."""
    context = browser.new_context(viewport={"width": 800, "height": 600})
    headers = {"Content-Security-Policy": "default-src 'self'; style-src 'self'"}
    context.route(
        f"{ORIGIN}/",
        lambda route: route.fulfill(body=PAGE, content_type="text/html", headers=headers),
    )
    context.route(
        f"{ORIGIN}/page.css", lambda route: route.fulfill(body=STYLE, content_type="text/css")
    )
    page = context.new_page()
    page.goto(f"{ORIGIN}/")
    yield page
    context.close()


def _measured(page, *ids) -> dict:
    axe_like = [{"id": "color-contrast", "nodes": [{"target": [f"#{i}"], "any": []} for i in ids]}]
    return {r["selector"]: r for r in measure(page, axe_like, with_htmlcs=False)}


def test_the_formula_gives_the_known_ratios():
    assert round(wcag_ratio("#0d6efd", "#fff3cd"), 2) == 4.06
    assert round(wcag_ratio("#084298", "#fff3cd"), 2) == 8.45


def test_a_failing_and_a_passing_pair_from_the_rendered_colours(page):
    results = _measured(page, "failing", "passing")
    failing, passing = results["#failing"], results["#passing"]
    assert (failing["foreground"], failing["background"]) == ("#0d6efd", "#fff3cd")
    assert failing["ratio"] == pytest.approx(wcag_ratio("#0d6efd", "#fff3cd"), abs=0.005)
    assert failing["required"] == 4.5 and failing["ratio"] < failing["required"]
    assert failing["how"] == "computed"
    assert (passing["foreground"], passing["background"]) == ("#084298", "#fff3cd")
    assert passing["ratio"] == pytest.approx(8.45, abs=0.005) and passing["required"] == 4.5


def test_alpha_opacity_and_inset_shadows_are_composited(page):
    results = _measured(page, "alpha", "opacity", "striped")
    # 50 % black over white is grey 127.5 (#808080 once rounded); 50 % opacity of white on
    # black over white is white on the same grey.
    grey = (127.5, 127.5, 127.5)
    assert results["#alpha"]["foreground"] == "#808080"
    assert results["#alpha"]["background"] == "#ffffff"
    assert results["#alpha"]["ratio"] == pytest.approx(wcag_ratio(grey, "#ffffff"), abs=0.005)
    assert results["#alpha"]["ratio"] < 4.5
    assert results["#opacity"]["foreground"] == "#ffffff"
    assert results["#opacity"]["background"] == "#808080"
    assert results["#opacity"]["ratio"] == pytest.approx(wcag_ratio("#ffffff", grey), abs=0.005)
    # A striped table row: 5 % black painted by an inset shadow over white is #f2f2f2.
    assert results["#striped"]["background"] == "#f2f2f2"
    assert results["#striped"]["ratio"] == pytest.approx(wcag_ratio("#0d6efd", "#f2f2f2"), abs=0.01)


def test_a_gradient_is_measured_from_the_pixels_behind_the_text(page):
    result = _measured(page, "gradient")["#gradient"]
    assert result["how"].startswith("measured from the rendered background")
    assert result["background"] == "#fff3cd"
    assert result["ratio"] == pytest.approx(wcag_ratio("#0d6efd", "#fff3cd"), abs=0.005)


def test_text_scrolled_out_of_a_wide_table_is_scrolled_to_and_measured(page):
    before = page.evaluate("() => document.querySelector('.scroller').scrollLeft")
    result = _measured(page, "scrolled")["#scrolled"]
    assert result["how"].startswith("measured from the rendered background")
    assert result["ratio"] == pytest.approx(wcag_ratio("#0d6efd", "#fff3cd"), abs=0.005)
    assert page.evaluate("() => document.querySelector('.scroller').scrollLeft") == before


def test_large_text_needs_three_to_one(page):
    results = _measured(page, "large", "bold-14pt", "bold-18px")
    assert results["#large"]["large"] and results["#large"]["required"] == 3
    assert results["#bold-14pt"]["large"] and results["#bold-14pt"]["required"] == 3
    assert not results["#bold-18px"]["large"] and results["#bold-18px"]["required"] == 4.5


def test_the_page_check_fails_what_axe_leaves_for_review(page):
    response = Axe().run(page, options={"runOnly": ["color-contrast"]}).response
    incomplete = {
        node["target"][0]
        for rule in response["incomplete"]
        if rule["id"] == "color-contrast"
        for node in rule["nodes"]
    }
    # axe settles neither single characters nor text over a gradient itself.
    assert {"#failing", "#gradient", "#scrolled"} <= incomplete
    violations = {
        node["target"][0]
        for rule in response["violations"]
        if rule["id"] == "color-contrast"
        for node in rule["nodes"]
    }
    # What axe does decide, it decides as here (and the page test reports it as axe's).
    assert violations == {"#alpha", "#opacity", "#bold-18px"}

    problems = contrast_problems(page, "/synthetic/", response)
    text = "\n".join(problems)
    assert "#failing" in text and "4.06:1, needs 4.5:1" in text and "#0d6efd on #fff3cd" in text
    assert "#gradient" in text and "#scrolled" in text
    assert "#passing" not in text
    assert "#large" not in text and "#bold-14pt" not in text


def test_html_codesniffer_runs_in_the_page_and_fails_the_faint_link(page):
    messages = htmlcs_messages(page)
    failing = [m for m in messages if m["selector"] == "#failing"]
    assert [m["code"].split(".", 4)[-1] for m in failing] == ["G18.Fail"], failing
    assert failing[0]["type"] == "error" and "4.06:1" in failing[0]["message"]
    assert not [m for m in messages if m["selector"] == "#passing"]
