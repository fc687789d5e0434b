"""Colour contrast decided for what axe-core leaves "to review", and a second engine.

axe-core reports text whose contrast it cannot settle as *incomplete*, not as a violation:
single characters (the numbers in a table), symbols, text over a gradient or an image, or
over an element it finds overlapping. A person checking the page would still fail such text
when it is too faint, so each of those elements is measured here (contrast.js): from the
rendered colours where the styles describe them fully, else from the pixels behind the text
in a screenshot. HTML_CodeSniffer, run in the same page with its WCAG2AA standard, is the
second engine: every error it reports fails the page, its contrast errors included (codes
1_4_3.G18 and G145), and it has the last word on the few elements neither styles nor pixels
can measure. On these pages it has reported text below 4.5:1 (G18.Fail) and tables with two
levels of headers tied to their cells by `scope` alone (1_3_1.H43.HeadersRequired: `scope`
does not say which of two column headers, or which funding round, a cell belongs to); both
were real. Its warnings and notices ask for a human check and do not fail the test; they are
counted in test-results/axe-summary.json.

Normal text needs 4.5:1, large text (18pt, or 14pt bold) 3:1 (WCAG 2.1 SC 1.4.3).
"""

import base64
import weakref
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
CONTRAST_JS = (Path(__file__).with_name("contrast.js")).read_text()
HTMLCS_JS = ROOT / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"
# Served to the page from its own origin: the Content-Security-Policy allows scripts from
# 'self' only, and the pages are checked with the policy in force (it also blocks inline
# styles, which would otherwise change what is drawn).
HTMLCS_PATH = "/__checks__/HTMLCS.js"

_routed = weakref.WeakSet()


def _install(page):
    if page not in _routed:
        if not HTMLCS_JS.exists():
            raise AssertionError(f"{HTMLCS_JS} is missing: run `npm ci` (make setup)")
        page.route(
            f"**{HTMLCS_PATH}",
            lambda route: route.fulfill(path=HTMLCS_JS, content_type="text/javascript"),
        )
        _routed.add(page)
    page.evaluate(CONTRAST_JS)


def htmlcs_messages(page) -> list[dict]:
    """HTML_CodeSniffer's WCAG2AA errors and warnings for the page as it is now."""
    _install(page)
    if not page.evaluate("() => Boolean(window.HTMLCS)"):
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        page.add_script_tag(url=origin + HTMLCS_PATH)
    return page.evaluate("() => window.sigContrast.htmlcs()")


def describe(result: dict, where: bool = True) -> str:
    """One line a person can act on: where, which colours, how far off."""
    weight = " bold" if result["weight"] >= 700 else ""
    size = "large" if result["large"] else "normal"
    at = f" at {result['selector']}" if where else ""
    return (
        f"{result['ratio']:.2f}:1, needs {result['required']:g}:1{at} "
        f"(text {result['foreground']} on {result['background']}, "
        f"{result['size']:g}px{weight}, {size} text; {result['how']})"
    )


def measure(page, axe_incomplete: list[dict], with_htmlcs: bool = True) -> list[dict]:
    """Contrast of axe's "incomplete" colour-contrast nodes (and HTMLCS's contrast errors).

    Each result has the selector, the colours, the ratio, what it needs and how it was
    measured; or `how == "undecided"` with the reason (and HTMLCS's codes for the element).
    """
    _install(page)
    nodes = [
        {"target": node["target"], "key": _message_key(node)}
        for rule in axe_incomplete
        if rule["id"] == "color-contrast"
        for node in rule["nodes"]
    ]
    results = page.evaluate(
        "([nodes, withHtmlcs]) => window.sigContrast.resolve(nodes, withHtmlcs)",
        [nodes, with_htmlcs],
    )
    if any("pending" in result for result in results):
        # Screenshots until every pending element was measured or cannot be brought into
        # view: text in a wide table's hidden columns is scrolled to, one scroll per round.
        visible = page.evaluate("() => window.sigContrast.locate()")
        while True:
            if visible:
                page.evaluate("() => window.sigContrast.hideText(true)")
                try:
                    png = page.screenshot(full_page=True, animations="disabled", caret="hide")
                finally:
                    page.evaluate("() => window.sigContrast.hideText(false)")
                page.evaluate(
                    "(png) => window.sigContrast.sample(png)", base64.b64encode(png).decode()
                )
            if not page.evaluate("() => window.sigContrast.reveal()"):
                break
            visible = page.evaluate("() => window.sigContrast.locate()")
        measured = page.evaluate("() => window.sigContrast.finish()")
        results = [measured[r["pending"]] if "pending" in r else r for r in results]
    return results


def contrast_problems(page, url: str, axe_response: dict, report: dict | None = None) -> list:
    """Failures, as readable lines, for the page's text below the WCAG AA contrast and for
    every HTML_CodeSniffer error on the page.

    HTML_CodeSniffer runs first, so that its verdict is at hand for text neither styles nor
    pixels can measure; then axe's incomplete colour-contrast nodes are settled. An element
    both engines fail is reported once, with the colours measured here.
    """
    result_types = axe_response.get("toolOptions", {}).get("resultTypes")
    if result_types and "incomplete" not in result_types:
        # axe then keeps one incomplete node per rule: the rest would go unchecked.
        raise ValueError("run axe without resultTypes, or with 'incomplete' among them")
    messages = htmlcs_messages(page)
    if report is not None:
        for message in messages:
            key = "htmlcs_errors" if message["type"] == "error" else "htmlcs_warnings"
            report[key] = report.get(key, 0) + 1
    results = {result["selector"]: result for result in measure(page, axe_response["incomplete"])}
    problems = []
    for message in messages:
        if message["type"] != "error":
            continue
        line = f"{url}: HTML_CodeSniffer {message['code']} at {message['selector']}: "
        line += message["message"]
        measured = results.get(message["selector"])
        if measured and measured["how"] != "undecided":
            line += f" [measured here: {describe(measured, where=False)}]"
        problems.append(line)
    failed_by_htmlcs = {m["selector"] for m in messages if m["type"] == "error"}
    for selector, result in results.items():
        if selector in failed_by_htmlcs:
            continue
        if result["how"] == "undecided":
            if result.get("htmlcs") == []:
                # No text of it could be brought into view to measure, and HTML_CodeSniffer
                # found nothing wrong with it.
                _count(report, "left to HTML_CodeSniffer")
                continue
            codes = ", ".join(result.get("htmlcs") or ["no verdict"])
            problems.append(
                f"{url}: colour contrast could not be decided at {selector} "
                f"({result['reason']}; HTML_CodeSniffer: {codes})"
            )
            continue
        _count(report, "computed" if result["how"] == "computed" else "measured from pixels")
        if result["ratio"] < result["required"]:
            problems.append(f"{url}: colour contrast {describe(result)}")
    return problems


def _message_key(node: dict):
    for check in node.get("any", []):
        data = check.get("data")
        if isinstance(data, dict) and data.get("messageKey"):
            return data["messageKey"]
    return None


def _count(report: dict | None, key: str):
    if report is not None:
        counts = report.setdefault("contrast_review", {})
        counts[key] = counts.get(key, 0) + 1
