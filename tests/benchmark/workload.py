"""The addresses the benchmark requests: for each kind of page, many distinct URLs as users
reach them, built from the page's own filter options, sort orders and pages.

Every generator returns distinct paths (no address twice), in a random order drawn from a
seeded stream, so that two runs on the same data request the same addresses. A filter
combination is counted once to know how many of its pages exist; combinations beyond
`COUNTED_COMBINATIONS` (and the portfolio's text searches) are requested on their first
page only, which always exists.
"""

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.test import RequestFactory

from projects.access import projects_visible_to
from projects.demo.seed import SYNTHETIC_MARK
from projects.filters import LessonFilter, ProjectFilter
from projects.models import LessonLearned, Project
from projects.selectors.portfolio import (
    lesson_library,
    organisations_leading,
    organisations_with_lessons_for,
    portfolio,
)
from projects.selectors.timeline import TIMELINE_PAGE

# The demo logins (projects/demo/catalogue.py) the pages are requested as.
PERSONAS = {
    "reviewer": "ds-reviewer",
    "coordinator": "aalborg-koordinator",
    "admin": "ds-admin",
}
# Deeper than this, a list is searched rather than paged.
MAX_PAGE = 20
COUNTED_COMBINATIONS = 60
# `stale_days` is a number field without choices: the thresholds a reviewer would type.
STALE_DAYS = ["14", "30", "60", "90", "180", "365"]
WORD = re.compile(r"[a-zæøå]{4,}")


@dataclass
class PageKind:
    name: str
    persona: str
    paths: list[str]
    # One address by nature: repeated in turn rather than drawn without replacement.
    single: bool = False
    note: str = ""
    options: dict = field(default_factory=dict)


def users() -> dict:
    User = get_user_model()
    return {key: User.objects.get(username=name) for key, name in PERSONAS.items()}


def page_kinds(n: int, *, seed: int = 7) -> list[PageKind]:
    """The mixed load, page kind by page kind, with up to `n` distinct paths each."""
    who = users()
    return [
        portfolio_kind("portfolio_reviewer", "reviewer", who["reviewer"], n, seed),
        portfolio_kind("portfolio_coordinator", "coordinator", who["coordinator"], n, seed),
        PageKind("project_page", "reviewer", project_page_paths(n, seed)),
        PageKind(
            "dashboard",
            "reviewer",
            ["/dashboard/"],
            single=True,
            note="one URL by nature, measured while the writer changes the data",
        ),
        lessons_kind(who["reviewer"], n, seed),
        admin_kind(who["admin"], n, seed),
    ]


def _choices(form_field) -> list[str]:
    return [str(value) for value, _label in form_field.choices if value not in ("", None)]


def title_words(limit: int = 80) -> list[str]:
    """Words of the projects' titles: every real project's and a sample of the synthetic."""
    titles = list(
        Project.objects.exclude(title__contains=SYNTHETIC_MARK)
        .order_by("pk")
        .values_list("title", flat=True)
    )
    synthetic = Project.objects.filter(title__contains=SYNTHETIC_MARK).order_by("pk")
    titles += synthetic.values_list("title", flat=True)[:500]
    return _words(titles, limit)


def lesson_words(limit: int = 400) -> list[str]:
    """Words of the lessons' titles and texts."""
    texts = []
    for column in ("title", "what_happened", "advice"):
        texts += LessonLearned.objects.order_by().values_list(column, flat=True).distinct()[:2000]
    return _words(texts, limit)


def _words(texts, limit: int) -> list[str]:
    found = {}
    for text in texts:
        for word in WORD.findall(text.lower()):
            if word != SYNTHETIC_MARK:
                found[word] = True
    return sorted(found)[:limit] if len(found) <= limit else _spread(sorted(found), limit)


def _spread(items: list, limit: int) -> list:
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def mix(
    rng: random.Random,
    n: int,
    path: str,
    draw: Callable[[], list[tuple[str, str]]],
    count: Callable[[list[tuple[str, str]]], int],
    *,
    orders: list[str],
    order_param: str,
    page_param: str,
    page_size: int,
    first_page_only: Callable[[list[tuple[str, str]]], bool] = lambda params: False,
) -> list[str]:
    """Up to `n` distinct paths: a drawn filter combination, a sort order and one of its
    existing pages (the first page is left out of the address, as the page links do)."""
    pages: dict[str, int] = {}
    paths: dict[str, None] = {}
    # Pages drawn from a stream of their own: the filters and orders drawn are the same
    # whatever the size of the data, so that sizes are compared on the same addresses.
    page_rng = random.Random(rng.random())
    duplicates = 0  # in a row: the combinations are used up
    while len(paths) < n and duplicates < 1000:
        params = sorted(draw())
        key = urlencode(params)
        if key not in pages:
            counted = len(pages) < COUNTED_COMBINATIONS and not first_page_only(params)
            pages[key] = (
                min(MAX_PAGE, max(1, math.ceil(count(params) / page_size))) if counted else 1
            )
        query = list(params)
        order = rng.choice(orders)
        if order:
            query.append((order_param, order))
        page = page_rng.randint(1, pages[key])
        if page > 1:
            query.append((page_param, str(page)))
        address = f"{path}?{urlencode(query)}" if query else path
        duplicates = duplicates + 1 if address in paths else 0
        paths[address] = None
    return list(paths)


def portfolio_kind(name: str, persona: str, user, n: int, seed: int) -> PageKind:
    rng = random.Random(f"{seed}-{name}")
    visible = portfolio(user)
    organisations = organisations_leading(projects_visible_to(user))
    form = ProjectFilter(queryset=Project.objects.none(), organisations=organisations).form
    options = {
        name: _choices(form.fields[name])
        for name in (
            "current_phase",
            "current_status",
            "outcome",
            "area",
            "lead_organisation",
            "organisation_kind",
            "barrier_category",
            "barrier_phase",
            "barrier_state",
            "help_requested",
            "order",
        )
    }
    options["stale_days"] = STALE_DAYS
    options["q"] = title_words()

    def several(key: str) -> list[tuple[str, str]]:
        values = options[key]
        chosen = rng.sample(values, min(len(values), rng.choice([1, 1, 2])))
        return [(key, value) for value in chosen]

    def one(key: str) -> list[tuple[str, str]]:
        return [(key, rng.choice(options[key]))] if options[key] else []

    def barrier() -> list[tuple[str, str]]:
        params = one("barrier_category")
        if rng.random() < 0.5:
            params += one("barrier_phase")
        if rng.random() < 0.3:
            params += one("barrier_state")
        return params

    groups = {
        "current_phase": lambda: several("current_phase"),
        "current_status": lambda: several("current_status"),
        "outcome": lambda: several("outcome"),
        "area": lambda: several("area"),
        "lead_organisation": lambda: one("lead_organisation"),
        "organisation_kind": lambda: one("organisation_kind"),
        "barrier": barrier,
        "stale_days": lambda: one("stale_days"),
        "help_requested": lambda: one("help_requested"),
        "q": lambda: one("q"),
    }

    def draw() -> list[tuple[str, str]]:
        chosen = rng.sample(list(groups), rng.choices([0, 1, 2, 3], weights=[1, 4, 3, 1])[0])
        return [param for group in chosen for param in groups[group]()]

    def count(params) -> int:
        data = QueryDict(mutable=True)
        for key, value in params:
            data.appendlist(key, value)
        return ProjectFilter(data, visible, organisations=organisations).qs.count()

    paths = mix(
        rng,
        n,
        "/projects/",
        draw,
        count,
        orders=["", *options["order"]],
        order_param="order",
        page_param="page",
        page_size=settings.PAGE_SIZE,
        # A text search is read on its first page (and counting one is a search itself).
        first_page_only=lambda params: "q" in dict(params),
    )
    return PageKind(name, persona, paths, options={k: len(v) for k, v in options.items()})


def project_page_paths(n: int, seed: int) -> list[str]:
    """Every synthetic project's page, shuffled; after them (reached only when a run gets
    through every project) the same pages with a longer timeline, as its "show more" link
    and a saved record's link ask for them."""
    pks = list(
        Project.objects.filter(title__contains=f"({SYNTHETIC_MARK} ")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng = random.Random(f"{seed}-project_page")
    paths = []
    for query in ("", f"?timeline={2 * TIMELINE_PAGE}", "?timeline=all"):
        rng.shuffle(pks)
        paths += [f"/projects/{pk}/{query}" for pk in pks[: n - len(paths)]]
    return paths


def lessons_kind(user, n: int, seed: int) -> PageKind:
    rng = random.Random(f"{seed}-lessons_search")
    library = lesson_library(user)
    organisations = organisations_with_lessons_for(user)
    form = LessonFilter(queryset=LessonLearned.objects.none(), organisations=organisations).form
    categories, phases = _choices(form.fields["category"]), _choices(form.fields["phase"])
    areas = _choices(form.fields["area"])
    words = lesson_words()

    def draw() -> list[tuple[str, str]]:
        params = [("q", rng.choice(words))]
        if rng.random() < 0.4:
            params.append(("category", rng.choice(categories)))
        if rng.random() < 0.4:
            params.append(("phase", rng.choice(phases)))
        if rng.random() < 0.3:
            params.append(("area", rng.choice(areas)))
        return params

    def count(params) -> int:
        return LessonFilter(QueryDict(urlencode(params)), library).qs.count()

    paths = mix(
        rng,
        n,
        "/lessons/",
        draw,
        count,
        orders=[""],
        order_param="",
        page_param="page",
        page_size=settings.PAGE_SIZE,
    )
    options = {
        "words": len(words),
        "category": len(categories),
        "phase": len(phases),
        "area": len(areas),
    }
    return PageKind("lessons_search", "reviewer", paths, options=options)


def admin_kind(user, n: int, seed: int) -> PageKind:
    """The Django admin's project list over its own filter links (list_filter), sortable
    columns (`o`, one or two columns) and pages (`p`, only those that exist: the admin
    answers a page past the end with a redirect to `?e=1`)."""
    rng = random.Random(f"{seed}-admin_changelist")
    model_admin = admin.site.get_model_admin(Project)
    factory = RequestFactory()

    def changelist(params):
        request = factory.get("/admin/projects/project/", dict(params))
        request.user = user
        return model_admin.get_changelist_instance(request)

    base = changelist([])
    links = []  # per list_filter: the parameters of each of its choices
    for spec in base.filter_specs:
        choices = []
        for choice in spec.choices(base):
            params = parse_qsl(choice["query_string"].lstrip("?"))
            if params:
                choices.append(params)
        if choices:
            links.append(choices)
    sortable = [
        str(index)
        for index, name in enumerate(base.list_display)
        if base.get_ordering_field(name) is not None
    ]
    orders = ["", *sortable, *(f"-{i}" for i in sortable)]
    orders += [f"{a}.{b}" for a in orders[1:] for b in orders[1:] if a.lstrip("-") != b.lstrip("-")]

    def draw() -> list[tuple[str, str]]:
        chosen = rng.sample(links, rng.choices([0, 1, 2], weights=[1, 4, 2])[0])
        return [param for choices in chosen for param in rng.choice(choices)]

    def count(params) -> int:
        return changelist(params).result_count

    paths = mix(
        rng,
        n,
        "/admin/projects/project/",
        draw,
        count,
        orders=orders,
        order_param="o",
        page_param="p",
        page_size=model_admin.list_per_page,
    )
    options = {"filters": len(links), "orders": len(orders)}
    return PageKind("admin_changelist", "admin", paths, options=options)
