"""Whole-number amounts are typed and shown the Danish way: "500.000" is five hundred thousand,
in every form, on the pages, in the admin and in the Excel export."""

import csv
import io
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from projects import exports, services
from projects.forms import (
    BenefitIndicatorForm,
    BenefitMeasurementForm,
    OperationDecisionForm,
    SpendingForm,
)
from projects.models import (
    BenefitIndicator,
    BenefitMeasurement,
    FundingRound,
    OperationDecision,
    Project,
    Spending,
)
from projects.numbers import (
    AmountField,
    DanishDecimalField,
    DanishIntegerField,
    HoursField,
    format_danish_decimal,
    format_danish_integer,
    parse_danish_decimal,
    parse_danish_integer,
)
from tests import factories, payloads

NBSP = "\u00a0"
LARGEST = 10**15  # far beyond any public project's budget, well inside the database's range
AMOUNTS = st.integers(min_value=0, max_value=LARGEST)
REFUSED_DA = "Angiv et helt tal, f.eks. 500.000 eller 500000"
NOT_NEGATIVE_DA = "Denne værdi skal være større end eller lig 0."

ACCEPTED = [
    ("500.000", 500_000),
    ("1.000.000", 1_000_000),
    ("1 000 000", 1_000_000),
    (f"1{NBSP}000{NBSP}000", 1_000_000),
    ("1\u202f000", 1_000),
    ("500000", 500_000),
    ("  67.000.000 ", 67_000_000),
    ("1.000", 1_000),
    ("999", 999),
    ("0", 0),
    ("007", 7),
    ("-1.500", -1_500),
]
REFUSED = [
    "1,5",
    "500.00",
    "1.5",
    "12a",
    "500.000,00",
    "1,000,000",
    "1.0000",
    "1..000",
    "1.000 000",
    "0.500",
    ".500",
    "500.",
    "1 5",
    "- 5",
    "5e3",
    "١٢٣",
    "9" * 5000,
]


class _Inputs(HTMLParser):
    """The attributes of every named <input> on a page."""

    def __init__(self, html: str):
        super().__init__()
        self.inputs: dict[str, dict] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and "name" in attributes:
            self.inputs[attributes["name"]] = attributes


def _inputs(response) -> dict[str, dict]:
    assert response.status_code == 200
    return _Inputs(response.content.decode()).inputs


def _project_data(project: Project, version: str, **amounts) -> dict:
    """A valid project form as the coordinator would send it."""
    return {
        "title": project.title,
        "summary": project.summary,
        "lead_organisation": project.lead_organisation_id,
        "participants": [o.pk for o in project.participants.all()],
        "area": "administration",
        "ai_technique": "text",
        "grant_dkk": "1.000.000",
        "total_budget_dkk": "2.000.000",
        "outcome": "ongoing",
        "personal_data": "yes",
        "dpia_status": "in_progress",
        "ai_act_risk_class": "minimal",
        "medical_device": "no",
        "version": version,
        **amounts,
    }


# Parsing and formatting ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), ACCEPTED)
def test_danish_notation_means_the_number_it_says(text, number):
    assert parse_danish_integer(text) == number
    assert DanishIntegerField().clean(text) == number


@pytest.mark.parametrize("text", REFUSED)
def test_unclear_or_fractional_input_is_refused_in_danish(text):
    with pytest.raises(ValidationError) as refused:
        DanishIntegerField().clean(text)
    with translation.override("da"):
        assert refused.value.messages[0].startswith(REFUSED_DA)
    with translation.override("en"):
        assert refused.value.messages[0].startswith("Enter a whole number, for example 500.000")


@pytest.mark.parametrize(
    ("number", "text"),
    [(0, "0"), (999, "999"), (1_000, "1.000"), (500_000, "500.000"), (1_234_567, "1.234.567")],
)
def test_numbers_are_shown_with_dots_between_thousands(number, text):
    assert format_danish_integer(number) == text
    assert DanishIntegerField().prepare_value(number) == text


@settings(max_examples=300, derandomize=True)
@given(number=AMOUNTS)
@example(number=0)
@example(number=999)
@example(number=1_000)
@example(number=LARGEST)
def test_every_amount_shown_reads_back_as_itself(number):
    field = DanishIntegerField(min_value=0)
    shown = field.prepare_value(number)
    assert field.clean(shown) == number
    assert field.clean(shown.replace(".", " ")) == number
    assert field.clean(shown.replace(".", NBSP)) == number
    assert field.clean(str(number)) == number


@settings(max_examples=200, derandomize=True)
@given(whole=AMOUNTS, decimals=st.integers(min_value=0, max_value=99))
def test_decimals_are_never_taken_for_a_whole_number(whole, decimals):
    field = DanishIntegerField()
    for text in (f"{whole},{decimals}", f"{format_danish_integer(whole)},{decimals:02d}"):
        with pytest.raises(ValidationError):
            field.clean(text)
    # Two decimals after a dot are not a group of thousands.
    with pytest.raises(ValidationError):
        field.clean(f"{whole}.{decimals:02d}")


# The project edit page, as a coordinator uses it ---------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_types_danish_amounts_and_sees_them_on_the_project_page(
    client, coordinator, project
):
    client.force_login(coordinator)
    edit = reverse("project_edit", args=[project.pk])
    page = _inputs(client.get(edit))
    assert page["total_budget_dkk"]["type"] == "text"
    assert page["total_budget_dkk"]["inputmode"] == "numeric"
    assert "min" not in page["total_budget_dkk"]

    response = client.post(
        edit,
        _project_data(
            project,
            page["version"]["value"],
            total_budget_dkk="500.000",
            grant_dkk=f"1{NBSP}000{NBSP}000",
        ),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert (project.total_budget_dkk, project.grant_dkk) == (500_000, 1_000_000)
    detail = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    assert "500.000 kr." in detail
    assert "1.000.000 kr." in detail
    page = _inputs(client.get(edit))
    assert page["total_budget_dkk"]["value"] == "500.000"
    assert page["grant_dkk"]["value"] == "1.000.000"


# Spending, operation decisions and benefits -------------------------------------------------


def _spending_data(**typed) -> dict:
    return {
        "submission_token": payloads.token(),
        "year": "2024",
        "external_hours": "0",
        "external_dkk": "0",
        "internal_hours": "0",
        "internal_dkk": "0",
        **typed,
    }


@pytest.mark.django_db
def test_spending_is_typed_and_shown_with_danish_grouping(project):
    form = SpendingForm(
        _spending_data(
            external_hours="1.200",
            external_dkk=f"300{NBSP}000",
            internal_hours="900",
            internal_dkk="1 250 000",
        ),
        instance=Spending(project=project),
    )
    assert form.is_valid(), form.errors
    spending = services.record_spending(spending=form.save(commit=False))
    spending.refresh_from_db()
    assert (
        spending.external_hours,
        spending.external_dkk,
        spending.internal_hours,
        spending.internal_dkk,
    ) == (1_200, 300_000, 900, 1_250_000)
    shown = SpendingForm(instance=spending)
    html = str(shown["external_dkk"])
    assert 'value="300.000"' in html and 'inputmode="numeric"' in html
    assert 'value="1.200"' in str(shown["external_hours"])


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "message"), [("1,5", REFUSED_DA), ("-1.000", NOT_NEGATIVE_DA)])
def test_unclear_or_negative_spending_is_refused_at_the_field(project, typed, message):
    with translation.override("da"):
        form = SpendingForm(_spending_data(external_dkk=typed), instance=Spending(project=project))
        assert not form.is_valid()
        assert form.errors["external_dkk"][0].startswith(message)
        assert f'value="{typed}"' in str(form["external_dkk"])  # what was typed comes back


@pytest.mark.django_db
def test_an_organisations_expected_benefit_is_typed_the_danish_way(project):
    form = OperationDecisionForm(
        {
            "version": "0",
            "submission_token": payloads.token(),
            "decision": "in_operation",
            "decided_on": "2024-01-15",
            "expected_hours_per_year": "1.200",
            "expected_dkk_per_year": f"300{NBSP}000",
        },
        instance=OperationDecision(project=project, organisation=project.lead_organisation),
    )
    assert form.is_valid(), form.errors
    expected = [form.cleaned_data[f"expected_{unit}_per_year"] for unit in ("hours", "dkk")]
    assert expected == [1_200, 300_000]
    html = str(form["expected_hours_per_year"])
    assert 'value="1.200"' in html and 'inputmode="numeric"' in html


DECIMALS_ACCEPTED = [
    ("1.234,5", Decimal("1234.5")),
    ("1234,5", Decimal("1234.5")),
    ("1 234,50", Decimal("1234.50")),
    ("1.000", Decimal(1000)),
    ("0,25", Decimal("0.25")),
    ("-0,25", Decimal("-0.25")),
    ("600", Decimal(600)),
]
DECIMALS_REFUSED = ["1.5", "1,234.5", "1.234.5", "12a", "1,", ",5", "1.0000"]


@pytest.mark.parametrize(("text", "number"), DECIMALS_ACCEPTED)
def test_measured_values_take_a_comma_before_the_decimals(text, number):
    assert parse_danish_decimal(text) == number
    assert DanishDecimalField(max_digits=14, decimal_places=2).clean(text) == number


@pytest.mark.parametrize("text", DECIMALS_REFUSED)
def test_a_dot_is_never_a_decimal_point(text):
    with pytest.raises(ValidationError):
        parse_danish_decimal(text)


@settings(max_examples=200, derandomize=True)
@given(cents=st.integers(min_value=-(10**14), max_value=10**14))
def test_every_measured_value_shown_reads_back_as_itself(cents):
    value = Decimal(cents) / 100
    assert parse_danish_decimal(format_danish_decimal(value)) == value


@pytest.mark.django_db
def test_a_baseline_target_and_measurement_are_typed_the_danish_way(project):
    indicator_form = BenefitIndicatorForm(
        {
            "submission_token": payloads.token(),
            "organisation": project.lead_organisation_id,
            "kind": "hours",
            "title": "Timer brugt på journalisering",
            "baseline_value": "1.234,5",
            "baseline_on": "2022-01-01",
            "target_value": "600",
            "frequency": "half_yearly",
        },
        instance=BenefitIndicator(project=project),
        organisation_ids={project.lead_organisation_id},
    )
    assert indicator_form.is_valid(), indicator_form.errors
    indicator = services.record_indicator(indicator=indicator_form.save(commit=False))
    measurement_form = BenefitMeasurementForm(
        {"submission_token": payloads.token(), "measured_on": "2023-06-01", "value": "917,25"},
        instance=BenefitMeasurement(indicator=indicator),
        indicator=indicator,
    )
    assert measurement_form.is_valid(), measurement_form.errors
    services.record_measurement(measurement=measurement_form.save(commit=False))

    indicator.refresh_from_db()
    assert (indicator.baseline_value, indicator.target_value, indicator.latest_value) == (
        Decimal("1234.5"),
        Decimal(600),
        Decimal("917.25"),
    )
    shown = BenefitIndicatorForm(instance=indicator, organisation_ids={indicator.organisation_id})
    assert 'value="1.234,5"' in str(shown["baseline_value"])
    assert 'value="600"' in str(shown["target_value"])


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["1,5", "500.00", "12a"])
def test_an_unclear_amount_comes_back_with_the_error_and_what_was_typed(
    client, coordinator, project, typed
):
    client.force_login(coordinator)
    edit = reverse("project_edit", args=[project.pk])
    version = _inputs(client.get(edit))["version"]["value"]
    budget_before = Project.objects.get(pk=project.pk).total_budget_dkk

    response = client.post(edit, _project_data(project, version, total_budget_dkk=typed))

    assert response.status_code == 200
    assert REFUSED_DA in response.content.decode()
    assert _inputs(response)["total_budget_dkk"]["value"] == typed
    assert Project.objects.get(pk=project.pk).total_budget_dkk == budget_before


@pytest.mark.django_db
def test_every_amount_round_trips_through_the_project_edit_page(client, coordinator, project):
    client.force_login(coordinator)
    edit = reverse("project_edit", args=[project.pk])

    @settings(
        max_examples=20,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(number=AMOUNTS)
    @example(number=0)
    @example(number=1_000)
    @example(number=LARGEST)
    def round_trip(number):
        Project.objects.filter(pk=project.pk).update(total_budget_dkk=number)
        page = _inputs(client.get(edit))
        shown = page["total_budget_dkk"]["value"]
        assert shown == format_danish_integer(number)
        response = client.post(
            edit, _project_data(project, page["version"]["value"], total_budget_dkk=shown)
        )
        assert response.status_code == 302
        assert Project.objects.get(pk=project.pk).total_budget_dkk == number

    round_trip()


# The admin ------------------------------------------------------------------------------------


def _admin_project_data(page: dict[str, dict], project: Project, grant: str) -> dict:
    """The admin's change form as a browser sends it: its hidden inputs (the inline's
    management form, the version it was opened at) and the fields."""
    hidden = {
        name: attributes.get("value", "")
        for name, attributes in page.items()
        if attributes.get("type") == "hidden" and name != "csrfmiddlewaretoken"
    }
    # No inline rows are sent: the participants, phases and the rest stay as they are.
    for name in [name for name in hidden if name.endswith("-INITIAL_FORMS")]:
        prefix = name.removesuffix("-INITIAL_FORMS")
        hidden.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return {
        **hidden,
        "title": project.title,
        "summary": project.summary,
        "lead_organisation": project.lead_organisation_id,
        "area": "administration",
        "ai_technique": "text",
        "grant_dkk": grant,
        "total_budget_dkk": "2.000.000",
        "outcome": "ongoing",
        "personal_data": "unknown",
        "dpia_status": "not_started",
        "ai_act_risk_class": "not_assessed",
        "medical_device": "unknown",
    }


@pytest.mark.django_db
def test_the_admin_project_form_reads_and_shows_danish_amounts(admin_client, project):
    change = reverse("admin:projects_project_change", args=[project.pk])
    page = _inputs(admin_client.get(change))

    response = admin_client.post(change, _admin_project_data(page, project, "1.000.000"))

    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert (project.grant_dkk, project.total_budget_dkk) == (1_000_000, 2_000_000)
    page = _inputs(admin_client.get(change))
    assert page["grant_dkk"]["value"] == "1.000.000"
    assert page["grant_dkk"]["type"] == "text"

    refused = admin_client.post(change, _admin_project_data(page, project, "1,5"))
    assert refused.status_code == 200
    assert REFUSED_DA in refused.content.decode()
    assert _inputs(refused)["grant_dkk"]["value"] == "1,5"
    assert Project.objects.get(pk=project.pk).grant_dkk == 1_000_000


@pytest.mark.django_db
def test_negative_amounts_are_refused_at_the_field(admin_client, client, coordinator, project):
    response = admin_client.post(
        reverse("admin:projects_fundinground_add"),
        {"name": "Runde 9", "year": "2026", "pool_dkk": "-1.000"},
    )
    assert response.status_code == 200
    assert NOT_NEGATIVE_DA in response.content.decode()
    assert not FundingRound.objects.filter(name="Runde 9").exists()

    client.force_login(coordinator)
    edit = reverse("project_edit", args=[project.pk])
    version = _inputs(client.get(edit))["version"]["value"]
    response = client.post(edit, _project_data(project, version, grant_dkk="-5"))
    assert response.status_code == 200
    assert response.content.decode().count(NOT_NEGATIVE_DA) == 1


@pytest.mark.django_db
def test_the_admin_funding_round_list_shows_the_pool_grouped_and_the_year_plain(admin_client):
    factories.FundingRoundFactory(name="Runde 6 – ØA2025", year=2025, pool_dkk=67_000_000)

    html = admin_client.get(reverse("admin:projects_fundinground_changelist")).content.decode()

    assert "67.000.000" in html
    assert "67000000" not in html
    assert "2025" in html and "2.025" not in html


def test_every_amount_is_a_danish_amount_field_and_no_admin_list_shows_one_raw():
    from django.apps import apps

    for model in apps.get_app_config("projects").get_models():
        for field in model._meta.concrete_fields:
            if field.name.endswith(("_dkk", "_hours", "_dkk_per_year", "_hours_per_year")):
                assert isinstance(field, AmountField | HoursField), field
    # The admin's own column for a model field prints "67000000"; amounts need amount_column.
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.list_display:
            if not isinstance(name, str):
                continue
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:  # a method or an admin attribute
                continue
            assert not isinstance(field, AmountField | HoursField), f"{model.__name__}.{name}"


# Exports ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_excel_has_grouped_amount_numbers_and_csv_plain_digits(client, coordinator, project):
    Project.objects.filter(pk=project.pk).update(grant_dkk=1_500_000, total_budget_dkk=500_000)
    client.force_login(coordinator)
    fields = [field for _header, field, _format in exports.COLUMNS]
    amount_fields = ["grant_dkk", "total_budget_dkk"]

    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(reverse("export_xlsx")).streaming_content))
    )
    row = next(workbook.active.iter_rows(min_row=2, max_row=2))
    for name, value in zip(amount_fields, [1_500_000, 500_000], strict=True):
        cell = row[fields.index(name)]
        assert (cell.value, cell.data_type, cell.number_format) == (value, "n", "#,##0"), name
    assert row[fields.index("pk")].number_format == "General"

    body = b"".join(client.get(reverse("export_csv")).streaming_content).decode("utf-8-sig")
    csv_row = list(csv.reader(io.StringIO(body), delimiter=";"))[1]
    assert [csv_row[fields.index(name)] for name in amount_fields] == ["1500000", "500000"]
