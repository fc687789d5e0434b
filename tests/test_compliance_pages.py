"""AI Act obligations through the pages: a project's profile decides which it has (and
supersedes, never deletes, those it no longer has), the coordinator records how each is met,
and the gate into operation refuses a go while obligations due before it are open, unless an
agency administrator allows it for a recorded reason."""

from datetime import date
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from projects.models import (
    GateDecision,
    ObligationStatus,
    Phase,
    PhaseKind,
    ProjectObligation,
)
from tests import factories, payloads
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

FRIA = "art27-fria"
REGISTRATION = "art49-3-deployer-registration"
HIGH_RISK_DEPLOYER = {
    "ai_act_risk_class": "high",
    "ai_act_role": "deployer",
    "annex_iii_area": "essential_services",
}


def danish_date(value: date) -> str:
    with translation.override("da"):
        return date_format(value, "SHORT_DATE_FORMAT")


def page_of(client, project) -> str:
    response = client.get(reverse("project_rules", args=[project.pk]))
    assert response.status_code == 200
    return unescape(response.content.decode())


def between(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def row_of(html: str, held: ProjectObligation) -> str:
    """The obligation's table row on the project page."""
    start = html.index(f'id="obligation-{held.pk}"')
    return html[start : html.index("</tr>", start)]


def current_obligations(html: str) -> str:
    """The table of the obligations the project has now."""
    section = between(html, 'id="compliance"', 'id="dpia-heading"')
    if 'id="obligations-superseded"' in section:
        section = section[: section.index('id="obligations-superseded"')]
    return section


def superseded_obligations(html: str) -> str:
    return between(html, 'id="obligations-superseded"', "</details>")


def held(project, code: str) -> ProjectObligation:
    return ProjectObligation.objects.select_related("obligation").get(
        project=project, obligation__code=code
    )


def edit_profile(client, project, **changes):
    project.refresh_from_db()
    response = client.post(
        reverse("project_edit", args=[project.pk]), payloads.project_edit(project, **changes)
    )
    assert response.status_code == 302, response.context["form"].errors
    return client.get(response["Location"])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Tried as a new user would: the profile decides the obligations


def test_a_high_risk_deployer_in_a_public_body_gets_its_obligations_with_due_dates(
    client, coordinator, project
):
    """Through the profile form, as a coordinator: marking the project a high-risk deployer in
    an Annex III area gives it the deployer duties, the FRIA and the registration, due at
    the planned go-live when that comes before the date they apply from."""
    client.force_login(coordinator)
    html = page_of(client, project)
    assert "Forpligtelser efter AI-forordningen" in html
    # Every project has the AI literacy and prohibited-practices checks; no FRIA yet.
    assert {row.obligation.code for row in project.obligations.current()} == {
        "art4-ai-literacy",
        "art5-prohibited-practices",
    }
    fria_box = between(html, 'id="fria"', "</section>")
    assert "kræver ikke en konsekvensanalyse vedrørende grundlæggende rettigheder" in fria_box

    form = client.get(reverse("project_edit", args=[project.pk]))
    assert "annex_iii_area" in form.context["form"].fields
    assert "Bilag III til AI-forordningen" in unescape(form.content.decode())

    go_live = date(2026, 5, 31)  # before the high-risk duties apply (2 August 2026)
    response = edit_profile(
        client, project, planned_end_date=go_live.isoformat(), **HIGH_RISK_DEPLOYER
    )
    said = " ".join(messages_of(response))
    assert "Projektets profil er gemt." in said
    added = project.obligations.current().count() - 2
    assert f"Den nye profil giver projektet {added} forpligtelser mere" in said
    assert "art. 27" in said and "art. 49(3)" in said

    html = page_of(client, project)
    table = current_obligations(html)
    for code in (
        "art26-1-instructions",
        "art26-2-human-oversight",
        "art26-8-public-registration",
        FRIA,
        REGISTRATION,
    ):
        row = row_of(table, held(project, code))
        assert held(project, code).obligation.article in row
        assert danish_date(go_live) in row  # the earlier of go-live and application
        assert "Ikke startet" in row
        assert reverse("obligation_edit", args=[project.pk, held(project, code).pk]) in row
    fria = row_of(table, held(project, FRIA))
    assert "Konsekvensanalyse vedrørende grundlæggende rettigheder (FRIA) før første brug" in fria
    assert "Idriftsættelse" in fria  # the phase it belongs to
    # AI literacy applied from 2 February 2025, before the go-live: due then, and overdue.
    literacy = row_of(table, held(project, "art4-ai-literacy"))
    assert danish_date(date(2025, 2, 2)) in literacy
    assert "Forfalden" in literacy
    fria_box = between(html, 'id="fria"', "</section>")
    assert "Ikke startet" in fria_box and danish_date(go_live) in fria_box
    assert 'id="obligations-superseded"' not in html


def test_changing_the_area_supersedes_obligations_and_changing_back_brings_them_back(
    client, coordinator, project
):
    client.force_login(coordinator)
    edit_profile(client, project, **HIGH_RISK_DEPLOYER)
    fria, registration = held(project, FRIA), held(project, REGISTRATION)
    services_fria = fria.pk

    # Critical infrastructure is excluded from the FRIA and the deployer's registration.
    response = edit_profile(client, project, annex_iii_area="critical_infrastructure")
    said = " ".join(messages_of(response))
    assert "gælder ikke længere og er markeret som erstattet" in said
    assert "art. 27" in said and "art. 49(3)" in said
    today = timezone.localdate()
    for row in (held(project, FRIA), held(project, REGISTRATION)):
        assert row.superseded_on == today  # kept, not deleted
    html = page_of(client, project)
    table = current_obligations(html)
    assert f'id="obligation-{fria.pk}"' not in table
    assert f'id="obligation-{registration.pk}"' not in table
    assert row_of(table, held(project, "art26-2-human-oversight"))
    gone = superseded_obligations(html)
    superseded = project.obligations.exclude(superseded_on=None).count()
    assert superseded == 3  # the FRIA, the registration and the right to an explanation
    assert f"{superseded} forpligtelser gælder ikke længere (erstattet)" in gone
    for row in (fria, registration):
        assert row.obligation.title_da in row_of(gone, row)
        assert danish_date(today) in row_of(gone, row)
    fria_box = between(html, 'id="fria"', "</section>")
    assert "kræver ikke en konsekvensanalyse" in fria_box

    # Back to essential services: the same rows apply again, as they were.
    response = edit_profile(client, project, annex_iii_area="essential_services")
    assert "Den nye profil giver projektet" in " ".join(messages_of(response))
    assert held(project, FRIA).pk == services_fria
    assert held(project, FRIA).superseded_on is None
    assert held(project, REGISTRATION).superseded_on is None
    table = current_obligations(page_of(client, project))
    assert f'id="obligation-{fria.pk}"' in table


def test_a_profile_saved_without_changing_the_obligations_says_nothing_of_them(
    client, coordinator, project
):
    client.force_login(coordinator)
    response = edit_profile(client, project, title="Journalisering 2.0")
    said = messages_of(response)
    assert said == ["Projektets profil er gemt."]


def test_the_dpia_is_recorded_in_the_profile_and_shown_beside_the_obligations(
    client, coordinator, project
):
    client.force_login(coordinator)
    link = "https://esdh.norddjurs.dk/sag/2024-117/dpia.pdf"
    edit_profile(
        client,
        project,
        dpia_status="completed",
        dpia_completed_on="2024-03-01",
        dpia_link=link,
        dpia_approved_by="Direktionen",
    )
    box = between(page_of(client, project), 'id="dpia-heading"', "</section>")
    assert "Gennemført" in box and danish_date(date(2024, 3, 1)) in box
    assert f'href="{link}"' in box and "Direktionen" in box

    project.refresh_from_db()
    future = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()
    response = client.post(
        reverse("project_edit", args=[project.pk]),
        payloads.project_edit(project, dpia_completed_on=future, dpia_link="javascript:alert(1)"),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"dpia_completed_on", "dpia_link"}
    project.refresh_from_db()
    assert project.dpia_link == link


# Recording how an obligation is met


def test_not_applicable_needs_a_reason_and_the_input_is_kept(client, coordinator, project):
    client.force_login(coordinator)
    literacy = held(project, "art4-ai-literacy")
    url = reverse("obligation_edit", args=[project.pk, literacy.pk])
    response = client.post(
        url,
        payloads.obligation(
            literacy,
            status="not_applicable",
            not_applicable_reason="  ",
            owner="HR-chefen",
            evidence="Kursusplan i ESDH.",
        ),
    )
    assert response.status_code == 200
    assert "not_applicable_reason" in response.context["form"].errors
    html = unescape(response.content.decode())
    assert "Begrund, hvorfor forpligtelsen ikke er relevant." in html
    assert 'value="HR-chefen"' in html and "Kursusplan i ESDH." in html
    literacy.refresh_from_db()
    assert (literacy.status, literacy.owner, literacy.version) == ("not_started", "", 1)

    response = client.post(
        url,
        payloads.obligation(
            literacy,
            status="done",
            owner="HR-chefen",
            completed_on="2025-01-15",
            approved_by="Direktionen",
            evidence="https://esdh.norddjurs.dk/sag/2025-3 Kursusbevis for alle brugere.",
        ),
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#obligation-{literacy.pk}")
    literacy.refresh_from_db()
    assert (literacy.status, literacy.completed_on, literacy.version) == (
        "done",
        date(2025, 1, 15),
        2,
    )
    row = row_of(page_of(client, project), literacy)
    assert "Opfyldt" in row and "Forfalden" not in row
    assert "godkendt af Direktionen" in row and "HR-chefen" in row
    assert 'href="https://esdh.norddjurs.dk/sag/2025-3"' in row
    history = unescape(client.get(reverse("project_history", args=[project.pk])).content.decode())
    assert "Kursusbevis for alle brugere." in history


def test_an_obligation_saved_by_someone_else_meanwhile_is_not_overwritten(
    client, coordinator, administrator, project
):
    literacy = held(project, "art4-ai-literacy")
    opened = payloads.obligation(literacy, status="in_progress", owner="HR-chefen")
    client.force_login(administrator)
    assert (
        client.post(
            reverse("obligation_edit", args=[project.pk, literacy.pk]),
            payloads.obligation(literacy, owner="Digitaliseringschefen"),
        ).status_code
        == 302
    )
    client.force_login(coordinator)
    response = client.post(reverse("obligation_edit", args=[project.pk, literacy.pk]), opened)
    assert response.status_code == 200
    assert response.context["conflict"]
    literacy.refresh_from_db()
    assert (literacy.owner, literacy.status) == ("Digitaliseringschefen", "not_started")


def test_a_superseded_obligation_can_be_edited_and_its_form_says_it_no_longer_applies(
    client, coordinator, project
):
    project.ai_act_risk_class, project.ai_act_role = "high", "deployer"
    project.annex_iii_area = "essential_services"
    project.save()
    project.annex_iii_area = "critical_infrastructure"
    project.save()
    fria = held(project, FRIA)
    assert fria.superseded_on is not None
    client.force_login(coordinator)
    url = reverse("obligation_edit", args=[project.pk, fria.pk])
    html = unescape(client.get(url).content.decode())
    assert "Denne forpligtelse gælder ikke længere for projektet." in html
    assert danish_date(fria.superseded_on) in html
    response = client.post(url, payloads.obligation(fria, status="in_progress", owner="Jurist"))
    assert response.status_code == 302
    fria.refresh_from_db()
    assert (fria.status, fria.owner) == ("in_progress", "Jurist")
    assert fria.superseded_on is not None


def test_who_sees_the_edit_links(client, viewer, participant, project):
    literacy = held(project, "art4-ai-literacy")
    link = reverse("obligation_edit", args=[project.pk, literacy.pk])
    for user in (viewer, participant):
        client.force_login(user)
        html = page_of(client, project)
        assert literacy.obligation.title_da in html
        assert link not in html


def test_an_obligation_of_another_project_is_not_found_even_for_the_agency(
    client, administrator, project, aarhus
):
    other = factories.ProjectFactory(lead_organisation=aarhus)
    foreign = held(other, "art4-ai-literacy")
    client.force_login(administrator)
    url = reverse("obligation_edit", args=[project.pk, foreign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, payloads.obligation(foreign, owner="X")).status_code == 404
    foreign.refresh_from_db()
    assert foreign.owner == ""


# The gate into operation


@pytest.fixture
def ready_but_for_the_fria(project):
    """A high-risk deployer in implementation with every obligation met but the FRIA."""
    project.ai_act_risk_class, project.ai_act_role = "high", "deployer"
    project.annex_iii_area = "essential_services"
    project.save()
    factories.PhaseFactory(
        project=project, kind=PhaseKind.IMPLEMENTATION, started_on=date(2024, 1, 1)
    )
    factories.meet_obligations(project)
    fria = held(project, FRIA)
    fria.status, fria.completed_on, fria.approved_by = ObligationStatus.IN_PROGRESS, None, ""
    fria.save()
    return project


def gate_url(project) -> str:
    return reverse("phase_advance", args=[project.pk])


def open_phase(project) -> Phase:
    return Phase.objects.get(project=project, ended_on__isnull=True)


def test_a_go_into_operation_with_an_open_fria_is_refused_and_explained(
    client, coordinator, ready_but_for_the_fria
):
    project = ready_but_for_the_fria
    fria = held(project, FRIA)
    client.force_login(coordinator)
    form_page = client.get(gate_url(project))
    html = unescape(form_page.content.decode())
    blocking = between(html, 'id="blocking-obligations"', "</section>")
    assert fria.obligation.title_da in blocking and "I gang" in blocking
    assert reverse("obligation_edit", args=[project.pk, fria.pk]) in blocking
    # Only the FRIA is open among those due before operation.
    assert blocking.count("<li>") == 1
    assert "override_reason" not in form_page.context["form"].fields
    assert "En porteføljeadministrator i styrelsen kan tillade" in blocking
    assert html.index('id="blocking-obligations"') < html.index('name="decision"')

    rationale = "Organisationen er klar; konsekvensanalysen afsluttes i næste uge."
    response = client.post(
        gate_url(project), payloads.gate_decision(project=project, rationale=rationale)
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "kan ikke sættes i drift" in errors
    assert "Konsekvensanalyse vedrørende grundlæggende rettigheder (FRIA)" in errors
    html = unescape(response.content.decode())
    # At the top of the form, with what the coordinator typed kept.
    assert html.index("kan ikke sættes i drift") < html.index('name="decision"')
    assert rationale in html
    phase = open_phase(project)
    assert phase.kind == PhaseKind.IMPLEMENTATION and phase.gate_decision == ""
    project.refresh_from_db()
    assert project.current_phase == PhaseKind.IMPLEMENTATION

    # A forged override from the lead coordinator counts for nothing.
    response = client.post(
        gate_url(project),
        payloads.gate_decision(project=project, override_reason="Vi tager selv ansvaret."),
    )
    assert response.status_code == 200
    assert open_phase(project).kind == PhaseKind.IMPLEMENTATION
    assert not Phase.objects.exclude(obligations_override_reason="").exists()

    # On hold is not a go: it is recorded whatever is open.
    response = client.post(
        gate_url(project), payloads.gate_decision(GateDecision.ON_HOLD, project=project)
    )
    assert response.status_code == 302
    assert open_phase(project).gate_decision == GateDecision.ON_HOLD


def test_an_agency_administrator_allows_going_on_for_a_recorded_reason(
    client, administrator, ready_but_for_the_fria
):
    project = ready_but_for_the_fria
    implementation = open_phase(project)
    client.force_login(administrator)
    form_page = client.get(gate_url(project))
    field = form_page.context["form"].fields["override_reason"]
    assert str(field.label) == "Tillad at fortsætte med åbne forpligtelser: begrundelsen"
    assert "begrundelsen og dit navn registreres" in str(field.help_text)

    # Without a reason the go is refused like anyone's.
    response = client.post(gate_url(project), payloads.gate_decision(project=project))
    assert response.status_code == 200
    assert "kan ikke sættes i drift" in " ".join(response.context["form"].non_field_errors())
    assert open_phase(project).pk == implementation.pk

    reason = "Konsekvensanalysen er godkendt mundtligt af direktionen; skriftlig følger."
    response = client.post(
        gate_url(project), payloads.gate_decision(project=project, override_reason=reason)
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.current_phase == PhaseKind.OPERATION
    implementation.refresh_from_db()
    assert implementation.ended_on is not None
    assert implementation.obligations_override_reason == reason
    assert implementation.obligations_overridden_by == administrator
    # The FRIA is still open: the override does not pretend it is met.
    assert held(project, FRIA).status == ObligationStatus.IN_PROGRESS

    name = administrator.get_full_name()
    # The phases and their gate decisions are on the project's overview.
    html = unescape(client.get(reverse("project_detail", args=[project.pk])).content.decode())
    phases = between(html, 'id="phases-heading"', "</table>")
    assert f"Videre med åbne forpligtelser, tilladt af {name}:" in phases
    assert reason in phases
    history = unescape(client.get(reverse("project_history", args=[project.pk])).content.decode())
    assert "Begrundelse for at fortsætte med åbne forpligtelser" in history and reason in history
    # The phase's change names who allowed it (from nobody to the administrator).
    assert f"Åbne forpligtelser tilladt af</th><td>–</td><td>{name}</td>" in history


def test_a_go_with_every_obligation_met_needs_no_override(
    client, coordinator, ready_but_for_the_fria
):
    project = ready_but_for_the_fria
    factories.meet_obligations(project)
    client.force_login(coordinator)
    html = unescape(client.get(gate_url(project)).content.decode())
    assert "Alle forpligtelser, der skal være opfyldt før drift, er opfyldt" in html
    response = client.post(gate_url(project), payloads.gate_decision(project=project))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.current_phase == PhaseKind.OPERATION
    assert not Phase.objects.exclude(obligations_override_reason="").exists()


def test_the_obligations_list_is_shown_only_before_operation(client, coordinator, project):
    factories.PhaseFactory(project=project, kind=PhaseKind.TRIAL)
    client.force_login(coordinator)
    response = client.get(gate_url(project))
    assert response.context["blocking_obligations"] is None
    assert 'id="blocking-obligations"' not in response.content.decode()


# Fast at any size


def test_the_project_page_takes_the_same_queries_however_many_obligations(
    client, coordinator, project
):
    factories.PhaseFactory(project=project, kind=PhaseKind.IMPLEMENTATION)
    client.force_login(coordinator)
    url = reverse("project_rules", args=[project.pk])
    count_queries(client, url)  # warm caches (content types, sessions)
    few = count_queries(client, url)
    assert project.obligations.count() == 2

    project.ai_act_risk_class, project.ai_act_role = "high", "deployer"
    project.annex_iii_area = "essential_services"
    project.save()
    project.annex_iii_area = "critical_infrastructure"
    project.save()  # some superseded, too
    fria = held(project, FRIA)
    fria.status, fria.not_applicable_reason = "not_applicable", "Ikke et bilag III-system."
    fria.save()
    assert project.obligations.count() > 10
    assert project.obligations.exclude(superseded_on=None).exists()
    assert count_queries(client, url) == few
