"""Pages stay short and readable in daily use: the project page shows the newest part of a long
timeline and links to more, long texts in lists and cards are shortened with a way to read
them all and shown once, the filters fold away, and the project list has one name."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from projects.models import Barrier, PhaseKind, StatusUpdate, TrafficLight
from projects.selectors import timeline
from projects.selectors.timeline import TIMELINE_MAX, TIMELINE_PAGE, timeline_length
from projects.templatetags.sigprojects import excerpt
from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

ENTRY_ID = re.compile(r'<li class="border-start[^"]*" id="([a-z_]+-\d+)"')


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def open_phase(project):
    return factories.PhaseFactory(
        project=project, kind=PhaseKind.CLARIFICATION, started_on=date(2023, 12, 1)
    )


def weekly_updates(project, weeks: int = 104, start: date = date(2024, 1, 1)):
    """Two years of weekly status updates, oldest first."""
    return StatusUpdate.objects.bulk_create(
        StatusUpdate(
            project=project,
            reported_on=start + timedelta(weeks=week),
            overall_status=TrafficLight.GREEN,
            schedule_status=TrafficLight.GREEN,
            budget_status=TrafficLight.GREEN,
            benefits_status=TrafficLight.YELLOW,
            progress=f"Uge {week}: integrationen testes i endnu en kommune.",
        )
        for week in range(weeks)
    )


def long_text(words: int, marker: str) -> str:
    """A text of about 7 * `words` characters, made of words that HTML leaves alone."""
    return " ".join(f"{marker}{number}" for number in range(words))


def entries(html: str) -> list[str]:
    return ENTRY_ID.findall(html)


# The timeline in pages


def test_the_project_page_shows_the_newest_entries_and_links_to_more(
    signed_in, project, open_phase
):
    updates = weekly_updates(project)
    newest_first = [f"status-{update.pk}" for update in reversed(updates)]
    url = reverse("project_detail", args=[project.pk])

    html = signed_in.get(url).content.decode()
    assert entries(html) == newest_first[:TIMELINE_PAGE]
    # "Show more" is a plain link: the page with 20 more entries, at the first of them.
    more = f'href="?timeline={2 * TIMELINE_PAGE}#{newest_first[TIMELINE_PAGE]}"'
    assert more in html
    assert "Vis flere" in html

    html = signed_in.get(f"{url}?timeline={2 * TIMELINE_PAGE}").content.decode()
    assert entries(html) == newest_first[: 2 * TIMELINE_PAGE]
    assert f'id="{newest_first[TIMELINE_PAGE]}"' in html
    assert f'href="?timeline={3 * TIMELINE_PAGE}#{newest_first[2 * TIMELINE_PAGE]}"' in html

    # At the end of the timeline there is nothing more to show.
    html = signed_in.get(f"{url}?timeline=all").content.decode()
    assert entries(html) == [*newest_first, f"phase-{open_phase.pk}"]
    assert 'href="?timeline=' not in html


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        (None, TIMELINE_PAGE),
        ("", TIMELINE_PAGE),
        ("40", 40),
        ("5", TIMELINE_PAGE),
        ("-40", TIMELINE_PAGE),
        ("forty", TIMELINE_PAGE),
        ("99999999999", TIMELINE_MAX),
        ("all", TIMELINE_MAX),
    ],
)
def test_the_length_of_the_timeline_is_bounded(asked, shown):
    assert timeline_length(asked) == shown


def test_beyond_the_bound_the_page_sends_older_entries_to_the_history(
    signed_in, project, open_phase, monkeypatch
):
    monkeypatch.setattr(timeline, "TIMELINE_MAX", 30)
    weekly_updates(project, weeks=40)
    url = reverse("project_detail", args=[project.pk])
    html = signed_in.get(f"{url}?timeline=1000").content.decode()
    assert len(entries(html)) == 30
    assert 'href="?timeline=' not in html
    assert reverse("project_history", args=[project.pk]) in html
    assert "Ældre registreringer står i ændringshistorikken." in html


def test_project_page_queries_do_not_grow_with_two_years_of_weekly_updates(
    signed_in, project, open_phase
):
    url = reverse("project_detail", args=[project.pk])
    weekly_updates(project, weeks=2)
    barrier = factories.BarrierFactory(project=project, identified_on=date(2024, 1, 3))
    factories.DecisionFactory(project=project, decided_on=date(2024, 1, 4)).barriers.add(barrier)
    factories.LessonFactory(project=project, learned_on=date(2024, 1, 5), barrier=barrier)
    few = count_queries(signed_in, url)

    weekly_updates(project, weeks=104, start=date(2024, 1, 15))
    for week in range(0, 104, 4):
        day = date(2024, 1, 16) + timedelta(weeks=week)
        barrier = factories.BarrierFactory(
            project=project, identified_on=day, description=long_text(800, "b")
        )
        decision = factories.DecisionFactory(project=project, decided_on=day)
        decision.barriers.add(barrier)
        factories.LessonFactory(project=project, learned_on=day, barrier=barrier)
    assert count_queries(signed_in, url) == few
    assert count_queries(signed_in, f"{url}?timeline=60") == few
    assert count_queries(signed_in, f"{url}?timeline=all") == few


# Long texts: shortened, readable in full, shown once


def test_a_long_barrier_is_shown_once_and_its_timeline_entry_points_to_it(
    signed_in, project, open_phase
):
    barrier = factories.BarrierFactory(project=project, identified_on=date(2024, 2, 1))
    # Written before texts had a limit: 15,000 characters.
    description = long_text(2000, "hindring")
    assert len(description) > 15_000
    Barrier.objects.filter(pk=barrier.pk).update(description=description)
    weekly_updates(project, weeks=3)

    html = signed_in.get(reverse("project_detail", args=[project.pk])).content.decode()
    assert html.count(description) == 1
    # Under "Open barriers": the beginning, and the whole text behind a disclosure.
    card = html[html.index('id="barriers-heading"') : html.index('id="timeline-heading"')]
    assert "hindring0 hindring1" in card
    assert '<details class="long-text-whole">' in card and description in card
    assert "Læs hele teksten" in card
    # On the timeline: a link to the barrier, not the description again.
    entry = html[html.index(f'id="barrier_opened-{barrier.pk}"') :]
    entry = entry[: entry.index("</li>")]
    assert f'href="#barrier-{barrier.pk}"' in entry
    assert "hindring0" not in entry


def test_a_resolved_barrier_is_described_on_the_timeline_shortened(signed_in, project, open_phase):
    description = long_text(600, "hindring")
    barrier = factories.BarrierFactory(
        project=project,
        identified_on=date(2024, 2, 1),
        description=description,
        status="resolved",
        resolved_on=date(2024, 3, 1),
        resolution=long_text(500, "losning"),
    )
    html = signed_in.get(reverse("project_detail", args=[project.pk])).content.decode()
    assert html.count(description) == 1
    assert html.count(barrier.resolution) == 1
    entry = html[html.index(f'id="barrier_opened-{barrier.pk}"') :]
    entry = entry[: entry.index("</li>")]
    assert '<details class="long-text-whole">' in entry and description in entry


def test_long_texts_of_the_timeline_are_shortened_and_short_ones_are_not(
    signed_in, project, open_phase
):
    factories.StatusUpdateFactory(
        project=project, reported_on=date(2024, 5, 1), progress=long_text(700, "fremdrift")
    )
    factories.LessonFactory(
        project=project,
        learned_on=date(2024, 5, 2),
        what_happened="Kort beskrivelse.",
        advice=long_text(700, "raad"),
    )
    factories.DecisionFactory(
        project=project, decided_on=date(2024, 5, 3), description=long_text(700, "beslutning")
    )
    html = signed_in.get(reverse("project_detail", args=[project.pk])).content.decode()
    timeline_html = html[html.index('id="timeline-heading"') :]
    assert timeline_html.count('<details class="long-text-whole">') == 3
    assert '<p class="mb-1">Kort beskrivelse.</p>' in timeline_html
    assert "<strong>Gode råd:</strong> raad0 raad1" in timeline_html


def test_the_lessons_library_shortens_long_lessons(client, coordinator, project):
    advice = long_text(700, "raad")
    factories.LessonFactory(project=project, title="Lang erfaring", advice=advice)
    factories.LessonFactory(project=project, title="Kort erfaring", advice="Start tidligt.")
    client.force_login(coordinator)
    html = client.get(reverse("lesson_list")).content.decode()
    assert html.count(advice) == 1
    assert html.count('<details class="long-text-whole">') == 1
    assert "Start tidligt." in html


def test_an_operation_decision_can_be_read_in_full_in_the_portfolio(
    client, reviewer, project, norddjurs
):
    reason = long_text(500, "grund")
    factories.OperationDecisionFactory(
        project=project,
        organisation=norddjurs,
        decision="not_to",
        reason_category="business_case",
        reason=reason,
    )
    client.force_login(reviewer)
    html = client.get(reverse("operation_decision_list")).content.decode()
    # Once, behind a disclosure: before, only its first 300 characters could be read.
    assert html.count(reason) == 1
    assert "Læs hele teksten" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kort tekst.", ""),
        ("x" * 400, ""),  # only a little longer than an excerpt: shown in full
        ("\n".join(["linje"] * 5), ""),
    ],
)
def test_short_texts_have_no_excerpt(text, expected):
    assert excerpt(text) == expected


def test_an_excerpt_is_cut_at_a_word_and_at_a_few_lines():
    text = long_text(200, "ord")
    head = excerpt(text)
    assert 150 < len(head) <= 300
    assert text.startswith(head) and text[len(head)] == " "
    lines = "\n".join(f"linje {number}" for number in range(20))
    assert excerpt(lines) == "\n".join(f"linje {number}" for number in range(4))


# Filters folded away


FILTER_PANEL = re.compile(r'<details class="filter-more[^"]*"( open)?>\s*<summary[^>]*>([^<]*)<')


def filter_panel(client, url: str) -> tuple[bool, str]:
    response = client.get(url)
    assert response.status_code == 200
    match = FILTER_PANEL.search(response.content.decode())
    assert match, url
    return bool(match.group(1)), match.group(2).strip()


def test_the_filters_are_folded_until_one_is_set(client, coordinator, project):
    client.force_login(coordinator)
    url = reverse("project_list")
    assert filter_panel(client, url) == (False, "Flere filtre")
    # What the form sends with a plain search: every select, most of them empty, the barrier
    # state at its first choice and no sorting chosen (unticked boxes send nothing).
    plain_search = "?q=journal&reached=&barrier_state=open&closed=&stale_days=&order="
    assert filter_panel(client, url + plain_search) == (False, "Flere filtre")
    assert filter_panel(client, url + "?order=-title") == (False, "Flere filtre")
    assert filter_panel(client, url + "?area=health&area=employment&current_status=red") == (
        True,
        "Flere filtre (2 i brug)",
    )
    assert filter_panel(client, url + "?barrier_state=resolved") == (
        True,
        "Flere filtre (1 i brug)",
    )
    # A filter the form refused opens the panel, so that its error is seen.
    assert filter_panel(client, url + "?stale_days=mange")[0] is True


def test_every_filtered_list_folds_its_filters(client, reviewer, project):
    client.force_login(reviewer)
    assert filter_panel(client, reverse("lesson_list") + "?category=data") == (
        True,
        "Flere filtre (1 i brug)",
    )
    assert filter_panel(client, reverse("legal_question_list")) == (False, "Flere filtre")
    # A list without a search box folds all its filters.
    assert filter_panel(client, reverse("operation_decision_list")) == (False, "Filtre")
    assert filter_panel(client, reverse("operation_decision_list") + "?decision=not_to") == (
        True,
        "Filtre (1 i brug)",
    )


def test_a_folded_filter_is_still_sent_with_a_new_search(client, coordinator, project):
    client.force_login(coordinator)
    html = client.get(reverse("project_list") + "?area=health").content.decode()
    panel = html[html.index('<details class="filter-more') : html.index("</details>")]
    assert re.search(r'name="area" value="health"[^>]* checked', panel)
    assert html.index('name="q"') < html.index('<details class="filter-more')


# One name for the project list


BREADCRUMB_ROOT = re.compile(
    r'<ol class="breadcrumb">\s*<li class="breadcrumb-item"><a [^>]*>([^<]+)</a>'
)


def breadcrumb_root(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return BREADCRUMB_ROOT.search(response.content.decode()).group(1)


def test_the_breadcrumb_names_the_list_as_the_menu_does(
    client, coordinator, reviewer, administrator, project
):
    update = factories.StatusUpdateFactory(project=project)
    detail = reverse("project_detail", args=[project.pk])
    history = reverse("project_history", args=[project.pk])
    withdraw = reverse("entry_withdraw", args=[project.pk, "updates", update.pk])

    client.force_login(coordinator)
    for url in (detail, history, reverse("status_update_create", args=[project.pk]), withdraw):
        assert breadcrumb_root(client, url) == "Mine projekter"
    client.force_login(reviewer)
    for url in (detail, history, reverse("review_note_create", args=[project.pk])):
        assert breadcrumb_root(client, url) == "Portefølje"
    client.force_login(administrator)
    assert breadcrumb_root(client, withdraw) == "Portefølje"
    assert ">Portefølje</a>" in client.get(reverse("project_list")).content.decode()
