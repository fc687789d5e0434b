"""Where a project ends up, through the pages: each organisation records its own operation
decision, benefits are measured against a baseline (also after the project has closed),
spending and suppliers are recorded by the lead, and the project page shows it all in a
fixed number of queries."""

from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import (
    BenefitIndicator,
    BenefitMeasurement,
    GateDecision,
    OperationDecision,
    OperationDecisionKind,
    Outcome,
    Participation,
    ParticipationKind,
    PhaseKind,
    ProjectSupplier,
    Spending,
    StopReason,
    Supplier,
)
from projects.numbers import format_danish_decimal, parse_danish_decimal
from tests import factories, payloads
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_phase(project):
    return factories.PhaseFactory(
        project=project, kind=PhaseKind.TRIAL, started_on=date(2022, 1, 1)
    )


def page_of(client, project) -> str:
    response = client.get(reverse("project_operation", args=[project.pk]))
    assert response.status_code == 200
    return unescape(response.content.decode())


def row_of(html: str, anchor: str) -> str:
    """The element (a table row or an article) with this id on the project page."""
    start = html.rindex("<", 0, html.index(f'id="{anchor}"'))
    tag = html[start + 1 :].split(maxsplit=1)[0]
    return html[start : html.index(f"</{tag}>", start)]


def decision_url(project, organisation) -> str:
    return reverse("operation_decision", args=[project.pk, organisation.pk])


# The journey: a participating municipality records its own go-live


def test_a_participating_municipality_records_its_own_go_live(
    client, participant, project, syddjurs, norddjurs, open_phase
):
    client.force_login(participant)
    html = page_of(client, project)
    assert "Drift og gevinster" in html
    # Its own row offers to record; the lead's row does not.
    assert decision_url(project, syddjurs) in html
    assert decision_url(project, norddjurs) not in html
    assert "Endnu ikke besluttet" in row_of(html, f"operation-{syddjurs.pk}")

    form_page = client.get(decision_url(project, syddjurs))
    assert form_page.status_code == 200
    assert form_page.context["form"]["version"].value() == 0

    response = client.post(
        decision_url(project, syddjurs),
        payloads.operation_decision(decided_by="Ældre- og sundhedsudvalget"),
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#operation-{syddjurs.pk}")

    decision = OperationDecision.objects.get(project=project, organisation=syddjurs)
    assert decision.decision == OperationDecisionKind.IN_OPERATION
    assert decision.author == participant
    assert (decision.expected_hours_per_year, decision.expected_dkk_per_year) == (1200, 450_000)
    project.refresh_from_db()
    assert project.outcome == Outcome.IN_OPERATION
    # The lead has still decided nothing.
    assert not OperationDecision.objects.filter(project=project, organisation=norddjurs).exists()

    html = unescape(client.get(response["Location"], follow=True).content.decode())
    assert "Idriftsættelsesbeslutningen for Syddjurs Kommune er gemt." in html
    row = row_of(html, f"operation-{syddjurs.pk}")
    assert "Sat i drift" in row and "Ældre- og sundhedsudvalget" in row
    assert "Ret beslutning" in row
    # The project's outcome, on its overview, follows.
    overview = unescape(client.get(reverse("project_detail", args=[project.pk])).content.decode())
    status = overview[
        overview.index('id="status-heading"') : overview.index('id="barriers-heading"')
    ]
    assert "Idriftsat" in status

    history = client.get(reverse("project_history", args=[project.pk]))
    text = unescape(history.content.decode())
    assert "idriftsættelsesbeslutning" in text
    assert "Sat i drift" in text and "Ældre- og sundhedsudvalget" in text


def test_the_participant_changes_its_decision_and_the_history_shows_the_change(
    client, participant, project, syddjurs, open_phase
):
    client.force_login(participant)
    client.post(decision_url(project, syddjurs), payloads.operation_decision())
    current = OperationDecision.objects.get(project=project, organisation=syddjurs)
    response = client.post(
        decision_url(project, syddjurs),
        payloads.operation_decision(
            current,
            decision="postponed",
            reason_category=StopReason.CAPACITY,
            reason="Vi mangler en produktejer til driften.",
        ),
    )
    assert response.status_code == 302
    current.refresh_from_db()
    assert (current.decision, current.reason_category) == ("postponed", StopReason.CAPACITY)
    assert OperationDecision.objects.filter(project=project).count() == 1
    project.refresh_from_db()
    assert project.outcome == Outcome.ONGOING

    row = row_of(page_of(client, project), f"operation-{syddjurs.pk}")
    assert "Udskudt" in row
    assert "Vi mangler en produktejer til driften." in row
    history = unescape(client.get(reverse("project_history", args=[project.pk])).content.decode())
    assert "Sat i drift" in history and "Udskudt" in history


@pytest.mark.parametrize("decision", ["not_to", "postponed"])
def test_a_no_or_a_not_yet_needs_a_reason_and_keeps_what_was_typed(
    client, participant, project, syddjurs, decision
):
    client.force_login(participant)
    form_page = unescape(client.get(decision_url(project, syddjurs)).content.decode())
    # The form says which fields a "no" or a "not yet" needs.
    required_when = "skal udfyldes, hvis I har besluttet ikke at idriftsætte eller har udskudt"
    assert f"Årsag ({required_when})" in form_page
    assert f"Begrundelse ({required_when})" in form_page

    response = client.post(
        decision_url(project, syddjurs),
        payloads.operation_decision(
            decision=decision,
            decided_by="Økonomiudvalget",
            expected_hours_per_year="2.500",
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["reason_category"] == ["Vælg, hvorfor løsningen ikke er i drift."]
    assert errors["reason"] == ["Begrund beslutningen."]
    html = unescape(response.content.decode())
    assert "Intet blev gemt." in html
    assert 'value="Økonomiudvalget"' in html
    assert 'value="2.500"' in html
    assert response.context["form"]["decision"].value() == decision
    assert not OperationDecision.objects.exists()


def test_a_decision_not_yet_made_needs_no_date(client, participant, project, syddjurs):
    client.force_login(participant)
    response = client.post(
        decision_url(project, syddjurs),
        payloads.operation_decision(decision="undecided", decided_on=""),
    )
    assert response.status_code == 302
    assert OperationDecision.objects.get().decided_on is None
    row = row_of(page_of(client, project), f"operation-{syddjurs.pk}")
    assert "Endnu ikke besluttet" in row


def test_a_stale_decision_form_is_refused_and_shows_what_changed(
    client, participant, coordinator, project, syddjurs
):
    decision = factories.OperationDecisionFactory(
        project=project,
        organisation=syddjurs,
        decision=OperationDecisionKind.POSTPONED,
        reason_category=StopReason.DATA,
        reason="Data mangler.",
    )
    client.force_login(participant)
    opened = payloads.operation_decision(decision, decided_by="Byrådet")
    # The lead's coordinator changes it meanwhile.
    services.record_operation_decision(
        decision=OperationDecision(
            pk=decision.pk,
            project=project,
            organisation=syddjurs,
            decision=OperationDecisionKind.NOT_TO,
            decided_on=date(2024, 2, 1),
            reason_category=StopReason.BUSINESS_CASE,
            reason="For dyrt i drift.",
        ),
        author=coordinator,
        expected_version=decision.version,
        fields=["decision", "decided_on", "reason_category", "reason"],
    )

    response = client.post(decision_url(project, syddjurs), opened)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Nogen har ændret dette, efter du åbnede formularen. Intet blev gemt." in html
    conflict = {tuple(map(str, row)) for row in response.context["conflict"]}
    assert ("Beslutning", "Besluttet ikke at idriftsætte", "Sat i drift") in conflict
    decision.refresh_from_db()
    assert decision.decision == OperationDecisionKind.NOT_TO

    # Saving again, knowing about their change, keeps the user's version.
    again = {**opened, "version": response.context["form"].data["version"]}
    assert client.post(decision_url(project, syddjurs), again).status_code == 302
    decision.refresh_from_db()
    assert (decision.decision, decision.decided_by) == ("in_operation", "Byrådet")


def test_a_decision_recorded_by_someone_else_after_the_form_was_opened_is_not_overwritten(
    client, participant, project, syddjurs
):
    client.force_login(participant)
    opened = payloads.operation_decision()  # version 0: no decision when opened
    factories.OperationDecisionFactory(
        project=project,
        organisation=syddjurs,
        decision=OperationDecisionKind.NOT_TO,
        reason_category=StopReason.DATA,
        reason="Data mangler.",
    )
    response = client.post(decision_url(project, syddjurs), opened)
    assert response.status_code == 200
    assert response.context["conflict"]
    assert OperationDecision.objects.get().decision == OperationDecisionKind.NOT_TO


def test_the_organisations_are_listed_lead_first_then_partners_then_adopters(
    client, coordinator, project, syddjurs, aarhus
):
    adopter = factories.OrganisationFactory(name="Favrskov Kommune")
    Participation.objects.create(project=project, organisation=adopter, kind="adopter")
    factories.OperationDecisionFactory(project=project)  # the lead runs it
    client.force_login(coordinator)
    html = page_of(client, project)
    section = html[html.index('id="operation"') : html.index('id="benefits"')]
    positions = [
        section.index(name) for name in ("Norddjurs Kommune", "Syddjurs Kommune", "Favrskov")
    ]
    assert positions == sorted(positions)
    assert "Ansvarlig organisation" in row_of(html, f"operation-{project.lead_organisation_id}")
    assert "Partner i piloten" in row_of(html, f"operation-{syddjurs.pk}")
    assert "Tilsluttet for at tage løsningen i brug" in row_of(html, f"operation-{adopter.pk}")
    assert "Aarhus" not in section
    # The lead's coordinator records for every organisation on the project.
    for organisation in (project.lead_organisation, syddjurs, adopter):
        assert decision_url(project, organisation) in section


# Benefits


def test_danish_decimal_input_is_read_and_shown_back_the_danish_way():
    assert parse_danish_decimal("1.234,5") == Decimal("1234.5")
    assert parse_danish_decimal("1234,5") == Decimal("1234.5")
    assert parse_danish_decimal("1 234,25") == Decimal("1234.25")
    assert parse_danish_decimal("−12,5") == Decimal("-12.5")
    assert parse_danish_decimal("600") == Decimal(600)
    assert parse_danish_decimal("1.000") == Decimal(1000)
    for unclear in ("1.5", "1234.5", "1,", ",5", "1,2,3", "12a", "1.2345"):
        with pytest.raises(ValidationError, match="Angiv et tal"):
            parse_danish_decimal(unclear)
    assert format_danish_decimal(Decimal("1234.50")) == "1.234,5"
    assert format_danish_decimal(Decimal("1200.00")) == "1.200"
    assert format_danish_decimal(Decimal("-0.25")) == "-0,25"


@pytest.mark.parametrize("typed", ["1.234,5", "1234,5"])
def test_a_participant_records_an_indicator_with_a_danish_baseline(
    client, participant, project, syddjurs, typed
):
    client.force_login(participant)
    url = reverse("indicator_create", args=[project.pk])
    form = client.get(url).context["form"]
    assert form.fields["organisation"].initial == syddjurs.pk
    response = client.post(url, payloads.benefit_indicator(syddjurs, baseline_value=typed))
    assert response.status_code == 302
    indicator = BenefitIndicator.objects.get()
    assert indicator.baseline_value == Decimal("1234.5")
    assert indicator.organisation == syddjurs
    edit = client.get(reverse("indicator_edit", args=[project.pk, indicator.pk]))
    assert 'value="1.234,5"' in edit.content.decode()


def test_an_unclear_number_is_refused_with_an_explanation_and_kept(
    client, participant, project, syddjurs
):
    client.force_login(participant)
    response = client.post(
        reverse("indicator_create", args=[project.pk]),
        payloads.benefit_indicator(syddjurs, target_value="1.5"),
    )
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Angiv et tal, f.eks. 1.234,5 eller 1234,5" in html
    assert 'value="1.5"' in html
    assert not BenefitIndicator.objects.exists()


def test_measurements_show_the_realisation_as_text_and_percentage(
    client, participant, project, syddjurs
):
    indicator = factories.BenefitIndicatorFactory(
        project=project, organisation=syddjurs, title="Timer på visitation"
    )
    client.force_login(participant)
    anchor = f"indicator-{indicator.pk}"
    assert "endnu ikke målt" in row_of(page_of(client, project), anchor)

    url = reverse("measurement_create", args=[project.pk, indicator.pk])
    response = client.post(url, payloads.measurement(value="1.072", measured_on="2023-01-01"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#{anchor}")
    article = row_of(page_of(client, project), anchor)
    assert "\u221212 % – bevæger sig væk fra målet" in article

    client.post(url, payloads.measurement(value="622", measured_on="2024-01-01"))
    article = row_of(page_of(client, project), anchor)
    assert "63 % – på vej" in article
    assert "2 målinger" in article
    measurement = BenefitMeasurement.objects.get(value=622)
    assert measurement.entered_by == participant
    assert "https://example.dk/rapport.pdf" in article
    assert reverse("measurement_edit", args=[project.pk, measurement.pk]) in article

    response = client.post(
        reverse("measurement_edit", args=[project.pk, measurement.pk]),
        payloads.measurement_edit(measurement, value="400"),
    )
    assert response.status_code == 302
    assert "100 % – målet er nået" in row_of(page_of(client, project), anchor)
    project.refresh_from_db()
    assert project.realisation_percent == Decimal(100)


def test_a_measurement_is_recorded_after_the_project_has_closed(
    client, participant, coordinator, project, syddjurs, open_phase
):
    indicator = factories.BenefitIndicatorFactory(project=project, organisation=syddjurs)
    services.advance_phase(
        project=project,
        decision=GateDecision.STOP,
        decided_on=date(2024, 6, 1),
        decided_by="Styregruppen",
        rationale="Piloten er slut.",
        conditions="",
        author=coordinator,
        closing_outcome=Outcome.CLOSED,
        closing_reason=StopReason.NO_LEGAL_BASIS,
        closing_explanation="Hjemmel til drift mangler.",
    )
    project.refresh_from_db()
    assert project.outcome == Outcome.CLOSED

    client.force_login(participant)
    html = page_of(client, project)
    section = html[html.index('id="destination-heading"') :]
    assert "Projektet er afsluttet: Afsluttet uden drift." in section
    assert "Årsag: Ingen hjemmel til drift – Hjemmel til drift mangler." in section

    response = client.post(
        reverse("measurement_create", args=[project.pk, indicator.pk]),
        payloads.measurement(value="700"),
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.latest_value, indicator.latest_on) == (Decimal(700), timezone.localdate())
    assert "50 % – på vej" in row_of(page_of(client, project), f"indicator-{indicator.pk}")


def test_a_measurement_before_the_baseline_is_refused(client, participant, project, syddjurs):
    indicator = factories.BenefitIndicatorFactory(project=project, organisation=syddjurs)
    client.force_login(participant)
    response = client.post(
        reverse("measurement_create", args=[project.pk, indicator.pk]),
        payloads.measurement(measured_on="2021-06-01"),
    )
    assert response.status_code == 200
    assert "measured_on" in response.context["form"].errors
    assert not BenefitMeasurement.objects.exists()


def test_the_baseline_cannot_move_after_measurements_of_it(client, participant, project, syddjurs):
    indicator = factories.BenefitIndicatorFactory(project=project, organisation=syddjurs)
    factories.BenefitMeasurementFactory(indicator=indicator, measured_on=date(2023, 6, 1))
    client.force_login(participant)
    response = client.post(
        reverse("indicator_edit", args=[project.pk, indicator.pk]),
        payloads.benefit_indicator_edit(indicator, baseline_on="2024-01-01"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["baseline_on"] == [
        "Indikatoren har målinger dateret før dette nulpunkt."
    ]
    indicator.refresh_from_db()
    assert indicator.baseline_on == date(2022, 1, 1)


def test_a_stale_indicator_form_is_refused(client, participant, project, syddjurs):
    indicator = factories.BenefitIndicatorFactory(project=project, organisation=syddjurs)
    client.force_login(participant)
    opened = payloads.benefit_indicator_edit(indicator, owner="Ny ejer")
    indicator.title = "Ændret imens"
    indicator.save()
    response = client.post(reverse("indicator_edit", args=[project.pk, indicator.pk]), opened)
    assert response.status_code == 200
    assert response.context["conflict"]
    indicator.refresh_from_db()
    assert (indicator.title, indicator.owner) == ("Ændret imens", "Afdelingsleder, Borgerservice")


# Spending and suppliers


def test_the_lead_records_spending_per_year_with_the_consultant_share(client, coordinator, project):
    client.force_login(coordinator)
    url = reverse("spending_create", args=[project.pk])
    assert client.post(url, payloads.spending(year="2023")).status_code == 302
    assert (
        client.post(
            url, payloads.spending(year="2024", external_dkk="100.000", internal_dkk="300.000")
        ).status_code
        == 302
    )
    html = page_of(client, project)
    assert "60 %" in row_of(html, "spending-2023")
    assert "Dataanalytiker" in row_of(html, "spending-2023")
    assert "25 %" in row_of(html, "spending-2024")
    project.refresh_from_db()
    assert project.consultant_share == Decimal("52.6")  # 1.000.000 of 1.900.000
    assert "52,6 %" in html

    response = client.post(url, payloads.spending(year="2024"))
    assert response.status_code == 200
    assert response.context["form"].errors["year"] == [
        "Projektets forbrug i 2024 er allerede registreret: ret det år i stedet."
    ]
    assert Spending.objects.count() == 2


def test_a_supplier_is_found_by_name_or_cvr_number_or_created(client, coordinator, project):
    existing = factories.SupplierFactory(name="Netcompany A/S", cvr="")
    client.force_login(coordinator)
    url = reverse("supplier_create", args=[project.pk])
    response = client.post(url, payloads.project_supplier(name="netcompany a/s", cvr="14814833"))
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.cvr == "14814833"  # the known supplier got its CVR number
    response = client.post(
        url, payloads.project_supplier(name="Netcompany", cvr="14814833", role="operation")
    )
    assert response.status_code == 302
    client.post(url, payloads.project_supplier(name="Kammeradvokaten", cvr="", role="legal"))
    assert Supplier.objects.count() == 2
    assert set(ProjectSupplier.objects.values_list("supplier__name", "role")) == {
        ("Netcompany A/S", "development"),
        ("Netcompany A/S", "operation"),
        ("Kammeradvokaten", "legal"),
    }
    html = page_of(client, project)
    row = next(
        row_of(html, f"supplier-{link.pk}")
        for link in ProjectSupplier.objects.filter(supplier__name="Kammeradvokaten")
    )
    assert "Juridisk rådgivning" in row
    assert "CVR 14814833" in html

    # The same supplier twice in one role is refused; a conflicting CVR number too.
    response = client.post(url, payloads.project_supplier(name="NETCOMPANY A/S", cvr=""))
    assert "role" in response.context["form"].errors
    response = client.post(url, payloads.project_supplier(name="Netcompany A/S", cvr="12345678"))
    assert response.context["form"].errors["cvr"] == [
        "Netcompany A/S er registreret med CVR-nummer 14814833."
    ]
    assert ProjectSupplier.objects.count() == 3


def test_the_lead_changes_a_suppliers_role_and_note(client, coordinator, project):
    link = factories.ProjectSupplierFactory(project=project, supplier__name="Pallas ApS")
    client.force_login(coordinator)
    url = reverse("supplier_edit", args=[project.pk, link.pk])
    assert 'value="Pallas ApS"' in client.get(url).content.decode()
    response = client.post(
        url, payloads.project_supplier_edit(link, role="consulting", note="Forandringsledelse.")
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.role, link.note, link.supplier.name) == (
        "consulting",
        "Forandringsledelse.",
        "Pallas ApS",
    )


def test_a_stale_supplier_form_is_refused(client, coordinator, project):
    link = factories.ProjectSupplierFactory(project=project, supplier__name="Pallas ApS")
    client.force_login(coordinator)
    opened = payloads.project_supplier_edit(link, note="Mit notat")
    link.note = "Ændret imens"
    link.save()
    response = client.post(reverse("supplier_edit", args=[project.pk, link.pk]), opened)
    assert response.status_code == 200
    assert response.context["conflict"]
    link.refresh_from_db()
    assert link.note == "Ændret imens"


def test_the_history_shows_measured_values_the_danish_way(client, participant, project, syddjurs):
    indicator = factories.BenefitIndicatorFactory(project=project, organisation=syddjurs)
    client.force_login(participant)
    response = client.post(
        reverse("measurement_create", args=[project.pk, indicator.pk]),
        payloads.measurement(value="1.812,5"),
    )
    assert response.status_code == 302
    html = client.get(reverse("project_history", args=[project.pk])).content.decode()
    assert "1.812,5" in html
    assert "1812.50" not in html


# The page stays fast


def test_project_page_queries_do_not_grow_with_organisations_indicators_and_measurements(
    client, coordinator, project, syddjurs
):
    def add(count: int, offset: int):
        for number in range(count):
            organisation = factories.OrganisationFactory()
            kind = ParticipationKind.ADOPTER if number % 2 else ParticipationKind.PARTNER
            Participation.objects.create(project=project, organisation=organisation, kind=kind)
            factories.OperationDecisionFactory(
                project=project,
                organisation=organisation,
                decision=OperationDecisionKind.POSTPONED,
                reason_category=StopReason.DATA,
                reason="Data mangler.",
                author=coordinator,
            )
            for _ in range(2):
                indicator = factories.BenefitIndicatorFactory(
                    project=project, organisation=organisation
                )
                for month in range(1, 4):
                    factories.BenefitMeasurementFactory(
                        indicator=indicator,
                        measured_on=date(2023, month, 1),
                        entered_by=coordinator,
                    )
            factories.SpendingFactory(project=project, year=2000 + offset + number)
            factories.ProjectSupplierFactory(project=project)

    client.force_login(coordinator)
    url = reverse("project_operation", args=[project.pk])
    add(1, 0)
    small = count_queries(client, url)
    add(12, 1)
    assert count_queries(client, url) == small


def test_a_first_decision_sent_twice_is_saved_once(client, participant, project, syddjurs):
    client.force_login(participant)
    url = reverse("operation_decision", args=[project.pk, syddjurs.pk])
    sent = payloads.operation_decision()
    assert client.post(url, sent).status_code == 302
    again = client.post(url, sent)
    assert again.status_code == 200
    errors = " ".join(again.context["form"].non_field_errors())
    assert "Formularen er allerede gemt" in errors or "allerede gemt" in errors, errors
    assert f"#operation-{syddjurs.pk}" in errors  # a link to what was saved
    assert not again.context.get("conflict")
    assert OperationDecision.objects.filter(project=project, organisation=syddjurs).count() == 1
    assert OperationDecision.objects.get(organisation=syddjurs).version == 1
