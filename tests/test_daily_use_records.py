"""Records that read well: a change history in local time, names and labels; a decision
headed as a decision; escalating a barrier with a request the agency reads; a decision that
resolves its barrier; dates the Danish way in English too."""

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import Barrier, BarrierStatus, Decision, LessonLearned, StatusUpdate
from tests import factories, payloads
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

# 14.05 in Copenhagen (winter time) on 28 November 2026.
AFTERNOON = datetime(2026, 11, 28, 13, 5, 9, 123456, tzinfo=UTC)
US_DATE = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"  # 11/29/2026
    r"|\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\. \d{1,2}, \d{4}"  # Nov. 29, 2026
    r"|\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d{1,2}, \d{4}"  # November 29, 2026
    r"|\b\d{1,2}:\d{2} ?[ap]\.?m\b",  # 2:05 p.m.
    re.IGNORECASE,
)


def text_of(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def main_of(html: str) -> str:
    """The page's own content, without the header (which names the signed-in person)."""
    return html[html.index("<main") :]


def history(client, project) -> str:
    return main_of(text_of(client.get(reverse("project_history", args=[project.pk]))))


def timeline_of(client, project) -> str:
    html = text_of(client.get(reverse("project_detail", args=[project.pk]) + "?timeline=all"))
    return html[html.index('id="timeline-heading"') : html.index('id="phases-heading"')]


def entry(html: str, anchor: str) -> str:
    """One timeline entry's text, tags removed."""
    start = html.index(">", html.index(f'id="{anchor}"')) + 1
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start : html.index("</li>", start)]))


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


# The change history -----------------------------------------------------------------------


def test_history_shows_local_danish_time_full_names_labels_and_no_internal_fields(
    signed_in, coordinator, project
):
    with time_machine.travel(AFTERNOON, tick=False):
        signed_in.post(
            reverse("barrier_create", args=[project.pk]),
            payloads.barrier(title="Uklar hjemmel", identified_on="2026-11-02"),
        )
        update = factories.StatusUpdateFactory(project=project, author=coordinator)
        services.withdraw_entry(entry=update, user=coordinator)
    html = history(signed_in, project)

    # When: local time, the Danish way, never the stored UTC with microseconds.
    assert "28. november 2026 kl. 14.05" in html
    assert "13:05" not in html and "123456" not in html
    assert not re.search(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}", re.sub(r"<[^>]+>", " ", html))
    # Dates of the record the way the pages write them.
    assert "Identificeret den</th><td>–</td><td>2. november 2026" in html
    # Who: the full name, in the rows too (the recorded-by and withdrawn-by fields).
    name = coordinator.get_full_name()
    assert f"Registreret af</th><td>–</td><td>{name}</td>" in html
    assert f"Trukket tilbage af</th><td>–</td><td>{name}</td>" in html
    assert f">{coordinator.username}<" not in html
    # Labels: verbose names and choice labels, translated.
    assert "Kategori</th><td>–</td><td>Jura/GDPR" in html
    assert "Alvorlighed</th><td>–</td><td>Kritisk" in html
    # Nothing internal: ids, the record's own project, reverse relations, empty fields of a
    # new record, timestamps and version counters.
    for internal in ("ID</th>", "Projekt</th>", "Lessons", "Legal_questions", "Version", "None"):
        assert internal not in html, internal
    assert "Løsning</th>" not in html  # empty on the new barrier


def test_history_leaves_out_derived_fields_and_names_related_records(signed_in, project):
    barrier = factories.BarrierFactory(project=project, title="Data mangler")
    lesson = factories.LessonFactory(project=project)
    # An ORM save (as the Django admin makes) moves a derived field along with a real one.
    project.title = "Journalisering 2.0"
    project.current_status = "red"
    project.last_status_on = date(2026, 11, 1)
    project.save()
    lesson.barrier = barrier
    lesson.save()
    html = history(signed_in, project)
    assert "Journalisering 2.0" in html
    assert "Samlet status" not in html and "Seneste statusopdatering" not in html
    assert "Barriere den udsprang af</th><td>–</td><td>Data mangler</td>" in html
    # A related record deleted since is said to be so, not shown as a number.
    LessonLearned.all_objects.filter(pk=lesson.pk).update(barrier=None)
    Barrier.all_objects.filter(pk=barrier.pk).delete()
    assert "<td>(slettet)</td>" in history(signed_in, project)


def test_history_in_english_has_english_labels_and_dates(signed_in, project):
    with time_machine.travel(AFTERNOON, tick=False):
        signed_in.post(
            reverse("barrier_create", args=[project.pk]),
            payloads.barrier(identified_on="2026-11-02", severity="high"),
        )
    signed_in.cookies["django_language"] = "en"
    html = history(signed_in, project)
    assert "28 November 2026, 14:05" in html
    assert "Category</th><td>–</td><td>Legal / GDPR" in html
    assert "Severity</th><td>–</td><td>High" in html
    assert "2 November 2026" in html
    assert not US_DATE.search(html)


def test_history_queries_do_not_grow_with_its_entries(signed_in, project, norddjurs):
    def add_records(count: int):
        for number in range(count):
            author = factories.MembershipFactory(organisation=norddjurs).user
            barrier = factories.BarrierFactory(project=project, author=author)
            lesson = factories.LessonFactory(project=project, author=author, barrier=barrier)
            decision = factories.DecisionFactory(project=project, author=author)
            decision.barriers.set([barrier])
            services.withdraw_entry(entry=lesson, user=author)
            update = factories.StatusUpdateFactory(project=project, author=author)
            update.progress = f"Opdateret {number}"
            update.save()

    url = reverse("project_history", args=[project.pk])
    add_records(1)
    few = count_queries(signed_in, url)
    add_records(6)
    # At most as many: the older entries now off the page name other kinds of records.
    assert count_queries(signed_in, url) <= few


# A decision on the timeline -------------------------------------------------------------


def test_a_decision_is_headed_as_a_decision_with_its_kind_and_title(signed_in, project):
    supplier = factories.DecisionFactory(
        project=project, kind="supplier", title="Leverandør A valgt", decided_on=date(2026, 11, 28)
    )
    other = factories.DecisionFactory(
        project=project, kind="other", title="Pilot i to teams", decided_on=date(2026, 11, 27)
    )
    html = timeline_of(signed_in, project)
    assert (
        entry(html, f"decision-{supplier.pk}")
        .strip()
        .startswith("28. november 2026 · Beslutning · Leverandør Leverandør A valgt")
    )
    # "Other" says nothing: the entry is a decision, headed by its title.
    assert (
        entry(html, f"decision-{other.pk}")
        .strip()
        .startswith("27. november 2026 · Beslutning Pilot i to teams")
    )


# Escalating a barrier ---------------------------------------------------------------------


def test_escalating_asks_what_the_agency_is_to_do_and_shows_it_everywhere(
    client, coordinator, reviewer, project
):
    barrier = factories.BarrierFactory(project=project, title="Hjemmel til drift")
    url = reverse("barrier_escalate", args=[project.pk, barrier.pk])
    client.force_login(coordinator)
    page = text_of(client.get(url))
    assert "Hvad bedes styrelsen om?" in page and 'maxlength="2000"' in page

    refused = client.post(url, {"escalation_request": "   "})
    assert refused.status_code == 200 and "Dette felt er påkrævet." in refused.content.decode()
    assert client.post(url, {"escalation_request": "x" * 2001}).status_code == 200
    barrier.refresh_from_db()
    assert not barrier.escalated and barrier.version == 1

    request = "Vurdér om servicelovens § 12 giver hjemmel til drift."
    response = client.post(url, {"escalation_request": request})
    assert response.status_code == 302
    barrier.refresh_from_db()
    assert barrier.escalated and barrier.escalated_on == timezone.localdate()
    assert (barrier.escalation_request, barrier.escalated_by) == (request, coordinator)

    # The project's timeline: its own event, with the request and who asked.
    name = coordinator.get_full_name()
    escalated = entry(timeline_of(client, project), f"barrier_escalated-{barrier.pk}")
    assert "Eskaleret til styrelsen" in escalated and request in escalated and name in escalated
    # The change history.
    html = history(client, project)
    assert f"Hvad styrelsen bedes om</th><td>–</td><td>{request}" in html
    assert f"Eskaleret af</th><td>–</td><td>{name}" in html
    # Opening the form again says it is done rather than asking twice.
    again = client.get(url, follow=True)
    assert "Barrieren blev eskaleret til styrelsen den" in again.content.decode()

    # The agency reads it on its dashboard, linked to the barrier on the project page.
    client.force_login(reviewer)
    dashboard = text_of(client.get(reverse("dashboard")))
    section = dashboard[dashboard.index('id="escalated-heading"') :]
    assert "Hjemmel til drift" in section and request in section and name in section
    assert reverse("project_detail", args=[project.pk]) + f"#barrier-{barrier.pk}" in section
    # And on the project page, under the open barriers.
    page = text_of(client.get(reverse("project_detail", args=[project.pk])))
    barriers = page[page.index('id="barriers-heading"') : page.index('id="timeline-heading"')]
    assert request in barriers


def test_only_an_open_barrier_is_escalated_and_twice_changes_nothing(signed_in, project):
    resolved = factories.BarrierFactory(
        project=project,
        status=BarrierStatus.RESOLVED,
        resolution="Løst.",
        resolved_on=date(2022, 4, 1),
    )
    url = reverse("barrier_escalate", args=[project.pk, resolved.pk])
    response = signed_in.post(url, payloads.escalation())
    assert response.status_code == 200
    assert "Kun en åben barriere kan eskaleres til styrelsen." in response.content.decode()
    assert not Barrier.objects.get(pk=resolved.pk).escalated

    barrier = factories.BarrierFactory(project=project)
    first = services.escalate_barrier(barrier=barrier, request="Første", user=None)
    second = services.escalate_barrier(barrier=barrier, request="Anden", user=None)
    assert (second.escalation_request, second.version) == ("Første", first.version)


def test_every_write_path_keeps_an_escalated_barrier_with_its_request(
    signed_in, coordinator, project, admin_client
):
    barrier = factories.BarrierFactory(project=project)
    # The model's rules, which the services and the Django admin run.
    barrier.escalated = True
    with pytest.raises(Exception) as refused:
        barrier.full_clean()
    assert "escalation_request" in refused.value.message_dict
    # The database, for a plain ORM write.
    with pytest.raises(IntegrityError), transaction.atomic():
        Barrier.objects.filter(pk=barrier.pk).update(escalated=True, escalated_on=date.today())
    # The barrier form: escalated without a request is refused, with one it is saved by them.
    url = reverse("barrier_edit", args=[project.pk, barrier.pk])
    barrier.refresh_from_db()
    response = signed_in.post(url, payloads.barrier_edit(barrier, escalated="on"))
    assert "escalation_request" in response.context["form"].errors
    data = payloads.barrier_edit(barrier, escalated="on", escalation_request="Hjælp os.")
    assert signed_in.post(url, data).status_code == 302
    barrier.refresh_from_db()
    assert (barrier.escalated, barrier.escalated_by, barrier.escalated_on) == (
        True,
        coordinator,
        timezone.localdate(),
    )
    # Taking the escalation back leaves no request behind.
    assert signed_in.post(url, payloads.barrier_edit(barrier, escalated="")).status_code == 302
    barrier.refresh_from_db()
    assert (barrier.escalated, barrier.escalation_request, barrier.escalated_on) == (
        False,
        "",
        None,
    )
    # The Django admin.
    admin_url = reverse("admin:projects_barrier_change", args=[barrier.pk])
    refused = admin_client.post(
        admin_url, admin_change_form(admin_client, admin_url, escalated="on")
    )
    assert refused.status_code == 200
    assert "escalation_request" in refused.context["adminform"].form.errors
    assert not Barrier.objects.get(pk=barrier.pk).escalated
    data = admin_change_form(
        admin_client, admin_url, escalated="on", escalation_request="Vurdér hjemlen."
    )
    assert admin_client.post(admin_url, data).status_code == 302
    barrier.refresh_from_db()
    assert (barrier.escalated, barrier.escalation_request, barrier.escalated_on) == (
        True,
        "Vurdér hjemlen.",
        timezone.localdate(),
    )
    # Escalated in the admin by the administrator who ticked it, not by whoever asked before;
    # taken back in the admin, nobody is named any more.
    administrator = admin_client.get(admin_url).wsgi_request.user
    assert barrier.escalated_by == administrator
    data = admin_change_form(admin_client, admin_url, escalated="")
    assert admin_client.post(admin_url, data).status_code == 302
    barrier.refresh_from_db()
    assert (barrier.escalated, barrier.escalation_request, barrier.escalated_by) == (
        False,
        "",
        None,
    )


def test_a_resolved_barrier_is_not_escalated_by_any_form(signed_in, project, admin_client):
    barrier = factories.BarrierFactory(
        project=project,
        status=BarrierStatus.RESOLVED,
        resolution="Løst med en databehandleraftale.",
        resolved_on=date.today(),
    )
    url = reverse("barrier_edit", args=[project.pk, barrier.pk])
    data = payloads.barrier_edit(barrier, escalated="on", escalation_request="Hjælp os.")
    response = signed_in.post(url, data)
    assert response.status_code == 200
    assert "escalated" in response.context["form"].errors
    admin_url = reverse("admin:projects_barrier_change", args=[barrier.pk])
    data = admin_change_form(admin_client, admin_url, escalated="on", escalation_request="Hjælp.")
    refused = admin_client.post(admin_url, data)
    assert refused.status_code == 200
    assert "escalated" in refused.context["adminform"].form.errors
    assert not Barrier.objects.get(pk=barrier.pk).escalated


def admin_change_form(client, url: str, **changes) -> dict:
    """The admin's change form as opened now, with `changes` typed in."""
    form = client.get(url).context["adminform"].form
    values = {name: form[name].value() for name in form.fields}
    return {**{name: value for name, value in values.items() if value is not None}, **changes}


def test_a_new_escalated_barrier_is_escalated_by_its_author(signed_in, coordinator, project):
    data = payloads.barrier(escalated="on", escalation_request="Formidl kontakt til Datatilsynet.")
    assert signed_in.post(reverse("barrier_create", args=[project.pk]), data).status_code == 302
    barrier = Barrier.objects.get(project=project)
    assert (barrier.escalated_by, barrier.escalated_on) == (coordinator, timezone.localdate())
    page = text_of(signed_in.get(reverse("barrier_edit", args=[project.pk, barrier.pk])))
    assert "Formidl kontakt til Datatilsynet." in page


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_earlier_escalations_a_request_and_a_date():
    executor = MigrationExecutor(connection)
    before = [("projects", "0016_legal_question_search")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Organisation = apps.get_model("projects", "Organisation")
    Project = apps.get_model("projects", "Project")
    OldBarrier = apps.get_model("projects", "Barrier")
    lead = Organisation.objects.create(name="Norddjurs Kommune", kind="municipality")
    project = Project.objects.create(
        title="AIR", summary="x", lead_organisation=lead, area="elderly"
    )

    def barrier(title, **values):
        return OldBarrier.objects.create(
            project=project,
            category="legal",
            title=title,
            description="x",
            identified_on=date(2022, 3, 1),
            **values,
        ).pk

    dated = barrier("Dateret", escalated=True, escalated_on=date(2022, 5, 1))
    undated = barrier("Udateret", escalated=True)
    plain = barrier("Ikke eskaleret")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    rows = {row.pk: row for row in Barrier.all_objects.all()}
    assert rows[dated].escalated_on == date(2022, 5, 1)
    assert rows[dated].escalation_request.startswith("Styrelsen bedes om hjælp")
    assert rows[undated].escalated_on == timezone.localdate()  # the day it was last saved
    assert rows[undated].escalation_request == rows[dated].escalation_request
    assert (rows[plain].escalated, rows[plain].escalation_request) == (False, "")
    for row in rows.values():
        row.full_clean()


# A decision that resolves its barrier -----------------------------------------------------


def test_a_decision_resolves_its_barrier_in_one_go(signed_in, project):
    barrier = factories.BarrierFactory(project=project, title="Databehandleraftale mangler")
    data = payloads.decision(
        title="Fælles databehandleraftale",
        description="Vi bruger KL's skabelon for alle kommuner.",
        barriers=[barrier.pk],
        resolves_barrier="on",
    )
    response = signed_in.post(reverse("decision_create", args=[project.pk]), data, follow=True)
    assert "barrieren, den løser, er markeret som løst" in response.content.decode()
    decision = Decision.objects.get(project=project)
    barrier.refresh_from_db()
    assert (barrier.status, barrier.resolution, barrier.resolved_on) == (
        BarrierStatus.RESOLVED,
        "Vi bruger KL's skabelon for alle kommuner.",
        decision.decided_on,
    )
    # The timeline tells it once: the barrier was resolved by the decision.
    html = timeline_of(signed_in, project)
    resolved = entry(html, f"barrier_resolved-{barrier.pk}")
    assert "Løst ved beslutningen “Fælles databehandleraftale”" in resolved
    assert "KL's skabelon" not in resolved
    assert f'href="?timeline=all#decision-{decision.pk}"' in html
    # The change history has the barrier's new status.
    assert "Status</th><td>Åben</td><td>Løst</td>" in history(signed_in, project)


@pytest.mark.parametrize(
    "status", [BarrierStatus.RESOLVED, BarrierStatus.ACCEPTED, BarrierStatus.CLOSED]
)
def test_a_decision_cannot_resolve_a_barrier_that_is_not_open(signed_in, project, status):
    barrier = factories.BarrierFactory(
        project=project,
        title="Gammel barriere",
        status=status,
        resolution="Løst tidligere." if status == BarrierStatus.RESOLVED else "",
        resolved_on=date(2022, 4, 1) if status == BarrierStatus.RESOLVED else None,
    )
    data = payloads.decision(barriers=[barrier.pk], resolves_barrier="on")
    response = signed_in.post(reverse("decision_create", args=[project.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["resolves_barrier"]
    assert errors[0].startswith("“Gammel barriere” er allerede ")
    assert not Decision.all_objects.filter(project=project).exists()  # nothing half-saved
    assert Barrier.objects.get(pk=barrier.pk).status == status


def test_resolving_needs_a_barrier_a_date_after_it_and_a_text_that_fits(signed_in, project):
    url = reverse("decision_create", args=[project.pk])
    response = signed_in.post(url, payloads.decision(resolves_barrier="on"))
    assert response.context["form"].errors["resolves_barrier"] == [
        "Vælg den barriere, beslutningen løser."
    ]
    barrier = factories.BarrierFactory(project=project, identified_on=date(2024, 6, 1))
    early = payloads.decision(barriers=[barrier.pk], resolves_barrier="on", decided_on="2024-05-31")
    response = signed_in.post(url, early)
    assert "blev identificeret 01.06.2024" in response.context["form"].errors["decided_on"][0]
    long = payloads.decision(barriers=[barrier.pk], resolves_barrier="on", description="x" * 4500)
    response = signed_in.post(url, long)
    assert "Det besluttede bliver barrierens løsning" in str(response.context["form"].errors)
    assert not Decision.all_objects.filter(project=project).exists()
    assert Barrier.objects.get(pk=barrier.pk).status == BarrierStatus.OPEN
    # Unticked, the decision only relates to the barrier.
    assert signed_in.post(url, payloads.decision(barriers=[barrier.pk])).status_code == 302
    assert Barrier.objects.get(pk=barrier.pk).status == BarrierStatus.OPEN


# Dates in English -------------------------------------------------------------------------


def test_english_pages_show_no_american_dates(client, coordinator, reviewer, project):
    factories.PhaseFactory(project=project, started_on=date(2026, 1, 5))
    factories.StatusUpdateFactory(project=project, reported_on=date(2026, 11, 29))
    barrier = factories.BarrierFactory(project=project, identified_on=date(2026, 3, 2))
    services.escalate_barrier(barrier=barrier, request="Vurdér hjemlen.", user=coordinator)
    factories.DecisionFactory(project=project, decided_on=date(2026, 11, 27))
    factories.LessonFactory(project=project, visibility="portfolio")
    client.cookies["django_language"] = "en"
    client.force_login(coordinator)
    pages = {
        reverse("project_detail", args=[project.pk]),
        reverse("project_history", args=[project.pk]),
        reverse("project_list"),
        reverse("lesson_list"),
        reverse("decision_create", args=[project.pk]),
    }
    for url in pages:
        html = text_of(client.get(url))
        assert not US_DATE.search(html), (url, US_DATE.search(html).group())
    page = text_of(client.get(reverse("project_detail", args=[project.pk])))
    assert "29 November 2026" in page and "2026-01-05" in page
    client.force_login(reviewer)
    for url in (reverse("dashboard"), reverse("project_list")):
        html = text_of(client.get(url))
        assert not US_DATE.search(html), (url, US_DATE.search(html).group())


def test_english_forms_take_the_dates_they_show_and_refuse_american_ones(
    client, coordinator, project
):
    client.cookies["django_language"] = "en"
    client.force_login(coordinator)
    url = reverse("status_update_create", args=[project.pk])
    today = timezone.localdate()
    for typed in (today.isoformat(), today.strftime("%d.%m.%Y")):
        data = payloads.status_update(reported_on=typed)
        assert client.post(url, data).status_code == 302, typed
    assert StatusUpdate.objects.filter(project=project, reported_on=today).count() == 2
    american = payloads.status_update(reported_on=today.strftime("%m/%d/%Y"))
    response = client.post(url, american)
    assert response.status_code == 200 and "reported_on" in response.context["form"].errors
