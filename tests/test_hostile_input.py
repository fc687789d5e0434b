"""Arbitrary and hostile values posted to every form: never a server error, nothing stored
when the form is refused, and whatever is stored comes back escaped."""

import io
import re
from datetime import date

import openpyxl
import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import OperationDecision, Outcome, PhaseKind, Project, Role, Spending
from tests import factories, payloads
from tests.test_permissions import database_snapshot

pytestmark = pytest.mark.django_db

EXAMPLES = 30
HOSTILE_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "\x1b[31m\x07\r\n\t",
            "<script>alert('x')</script>",
            '"><img src=x onerror=alert(1)>',
            '=HYPERLINK("http://evil")',
            "+1+1",
            "-2+3",
            "@SUM(A1:A2)",
            "\u202eæøå\u200b",
            "Ω" * 5000,
            "x" * 100_000,
            "'; DROP TABLE projects_project; --",
        ]
    ),
)
HOSTILE_DATE = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(str),
    st.sampled_from(
        [
            "",
            "0000-00-00",
            "2022-02-30",
            "2022-13-01",
            "99999-01-01",
            "i går",
            "1-1-1",
            "2022/01/01",
            "\x00",
            "2022-01-01T25:00",
        ]
    ),
)
HOSTILE_NUMBER = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["", "-1", "1e309", "NaN", "inf", "0x10", "1,5", "١٢٣", "\x00", "9" * 400]),
)
# Measured values take decimals, typed the Danish way ("1.234,5").
HOSTILE_DECIMAL = st.one_of(
    HOSTILE_NUMBER,
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(min_value=-(10**15), max_value=10**15, places=4).map(
        lambda value: str(value).replace(".", ",")
    ),
    st.sampled_from(
        ["1.234,5", "-0,25", "0,001", "1,5e3", "Infinity", "-NaN", "1,", ",5", "1," + "9" * 400]
    ),
)
CHOICE_NOISE = st.sampled_from(["", "unknown", "<b>", "\x00", "999999", "-1"])


def choice(*valid):
    return st.one_of(st.sampled_from(valid), CHOICE_NOISE)


def foreign_ids(world):
    """Ids a hostile client might send: other organisations' records, junk."""
    return st.sampled_from(
        [
            str(world["foreign_barrier"].pk),
            str(world["foreign_org"].pk),
            "0",
            "-1",
            "99999999999",
            "abc",
            "",
        ]
    )


@pytest.fixture
def world(norddjurs, syddjurs, aarhus, agency):
    coordinator = factories.MembershipFactory(organisation=norddjurs, role=Role.COORDINATOR).user
    reviewer = factories.MembershipFactory(organisation=agency, role=Role.REVIEWER).user
    project = factories.ProjectFactory(lead_organisation=norddjurs, participants=[syddjurs])
    factories.PhaseFactory(
        project=project, kind=PhaseKind.CLARIFICATION, started_on=date(2022, 1, 1)
    )
    barrier = factories.BarrierFactory(project=project, identified_on=date(2022, 3, 1))
    note = factories.ReviewNoteFactory(project=project, kind="follow_up")
    foreign_project = factories.ProjectFactory(lead_organisation=aarhus)
    return {
        "coordinator": coordinator,
        "reviewer": reviewer,
        "project": project,
        "barrier": barrier,
        "note": note,
        "indicator": factories.BenefitIndicatorFactory(project=project),
        "own_org": norddjurs,
        "partner_org": syddjurs,
        "foreign_org": aarhus,
        "foreign_barrier": factories.BarrierFactory(project=foreign_project),
    }


def _forms(w):
    """url name, URL args, who posts, field strategies."""
    lights = {
        f"{k}_status": choice("green", "yellow", "red")
        for k in ("overall", "schedule", "budget", "benefits")
    }
    project_fields = {
        "title": HOSTILE_TEXT,
        "summary": HOSTILE_TEXT,
        "lead_organisation": st.one_of(st.just(str(w["own_org"].pk)), foreign_ids(w)),
        "participants": st.lists(foreign_ids(w), max_size=3),
        "area": choice("health", "administration"),
        "ai_technique": choice("text", "other"),
        "adopters": st.lists(
            st.one_of(st.just(str(w["partner_org"].pk)), foreign_ids(w)), max_size=3
        ),
        "grant_dkk": HOSTILE_NUMBER,
        "total_budget_dkk": HOSTILE_NUMBER,
        "benefits_note": HOSTILE_TEXT,
        "start_date": HOSTILE_DATE,
        "planned_end_date": HOSTILE_DATE,
        "personal_data": choice("yes", "no", "unknown"),
        "dpia_status": choice("completed", "not_started"),
        "ai_act_risk_class": choice("high", "minimal"),
        "medical_device": choice("no"),
        "contact_email": HOSTILE_TEXT,
        "legal_basis": HOSTILE_TEXT,
    }
    project, barrier, note = w["project"], w["barrier"], w["note"]
    return {
        "project_create": ([], "coordinator", project_fields),
        "project_edit": (
            [project.pk],
            "coordinator",
            {**project_fields, "version": st.one_of(st.just("1"), HOSTILE_NUMBER)},
        ),
        "status_update_create": (
            [project.pk],
            "coordinator",
            {
                "reported_on": HOSTILE_DATE,
                "progress": HOSTILE_TEXT,
                "next_steps": HOSTILE_TEXT,
                "help_needed": st.sampled_from(["", "on", "x"]),
                "help_text": HOSTILE_TEXT,
                **lights,
            },
        ),
        "phase_advance": (
            [project.pk],
            "coordinator",
            {
                "decision": choice("go", "go_with_conditions", "on_hold", "stop"),
                "decided_on": HOSTILE_DATE,
                "decided_by": HOSTILE_TEXT,
                "rationale": HOSTILE_TEXT,
                "conditions": HOSTILE_TEXT,
                "phase_id": HOSTILE_NUMBER,
                "phase_version": HOSTILE_NUMBER,
                "closing_outcome": choice("stopped", "closed", "in_operation"),
                "closing_reason": choice("data", "other"),
                "closing_explanation": HOSTILE_TEXT,
            },
        ),
        "operation_decision": (
            [project.pk, w["own_org"].pk],
            "coordinator",
            {
                "decision": choice("in_operation", "not_to", "postponed", "undecided"),
                "decided_on": HOSTILE_DATE,
                "decided_by": HOSTILE_TEXT,
                "reason_category": choice("data", "business_case"),
                "reason": HOSTILE_TEXT,
                "expected_hours_per_year": HOSTILE_NUMBER,
                "expected_dkk_per_year": HOSTILE_NUMBER,
                "version": st.one_of(st.just("0"), HOSTILE_NUMBER),
            },
        ),
        "indicator_create": (
            [project.pk],
            "coordinator",
            {
                "organisation": st.one_of(st.just(str(w["own_org"].pk)), foreign_ids(w)),
                "kind": choice("hours", "quality"),
                "title": HOSTILE_TEXT,
                "unit": HOSTILE_TEXT,
                "baseline_value": HOSTILE_DECIMAL,
                "baseline_on": HOSTILE_DATE,
                "baseline_method": HOSTILE_TEXT,
                "target_value": HOSTILE_DECIMAL,
                "target_on": HOSTILE_DATE,
                "owner": HOSTILE_TEXT,
                "frequency": choice("monthly", "yearly"),
            },
        ),
        "measurement_create": (
            [project.pk, w["indicator"].pk],
            "coordinator",
            {
                "measured_on": HOSTILE_DATE,
                "value": HOSTILE_DECIMAL,
                "method": HOSTILE_TEXT,
                "evidence": HOSTILE_TEXT,
            },
        ),
        "spending_create": (
            [project.pk],
            "coordinator",
            {
                "year": HOSTILE_NUMBER,
                "external_hours": HOSTILE_NUMBER,
                "external_dkk": HOSTILE_NUMBER,
                "internal_hours": HOSTILE_NUMBER,
                "internal_dkk": HOSTILE_NUMBER,
                "competence_built": st.sampled_from(["", "on", "x"]),
                "competence_roles": HOSTILE_TEXT,
                "note": HOSTILE_TEXT,
            },
        ),
        "supplier_create": (
            [project.pk],
            "coordinator",
            {
                "name": HOSTILE_TEXT,
                "cvr": st.one_of(HOSTILE_NUMBER, HOSTILE_TEXT),
                "role": choice("development", "legal"),
                "note": HOSTILE_TEXT,
            },
        ),
        "barrier_create": (
            [project.pk],
            "coordinator",
            {
                "category": choice("legal", "data"),
                "title": HOSTILE_TEXT,
                "description": HOSTILE_TEXT,
                "severity": choice("low", "critical"),
                "status": choice("open", "resolved", "blocking"),
                "phase": choice("trial", ""),
                "identified_on": HOSTILE_DATE,
                "resolved_on": HOSTILE_DATE,
                "resolution": HOSTILE_TEXT,
                "escalated": st.sampled_from(["", "on"]),
                "escalation_request": HOSTILE_TEXT,
            },
        ),
        "barrier_escalate": (
            [project.pk, barrier.pk],
            "coordinator",
            {"escalation_request": HOSTILE_TEXT},
        ),
        "barrier_resolve": (
            [project.pk, barrier.pk],
            "coordinator",
            {
                "resolution": HOSTILE_TEXT,
                "resolved_on": HOSTILE_DATE,
                "version": st.one_of(st.just("1"), HOSTILE_NUMBER),
            },
        ),
        "decision_create": (
            [project.pk],
            "coordinator",
            {
                "decided_on": HOSTILE_DATE,
                "title": HOSTILE_TEXT,
                "kind": choice("scope", "gate"),
                "description": HOSTILE_TEXT,
                "rationale": HOSTILE_TEXT,
                "barriers": st.lists(
                    st.one_of(st.just(str(barrier.pk)), foreign_ids(w)), max_size=3
                ),
                "resolves_barrier": st.sampled_from(["", "on"]),
            },
        ),
        "lesson_create": (
            [project.pk],
            "coordinator",
            {
                "title": HOSTILE_TEXT,
                "category": choice("legal", "process"),
                "phase": choice("trial", ""),
                "what_happened": HOSTILE_TEXT,
                "advice": HOSTILE_TEXT,
                "visibility": choice("project", "portfolio"),
                "barrier": st.one_of(st.just(str(barrier.pk)), foreign_ids(w)),
                "learned_on": HOSTILE_DATE,
            },
        ),
        "review_note_create": (
            [project.pk],
            "reviewer",
            {"kind": choice("note", "follow_up"), "text": HOSTILE_TEXT},
        ),
        "review_note_answer": (
            [project.pk, note.pk],
            "coordinator",
            {"answer": HOSTILE_TEXT, "version": st.one_of(st.just("1"), HOSTILE_NUMBER)},
        ),
    }


FORMS = [
    "project_create",
    "project_edit",
    "status_update_create",
    "phase_advance",
    "barrier_create",
    "barrier_resolve",
    "barrier_escalate",
    "decision_create",
    "lesson_create",
    "review_note_create",
    "review_note_answer",
    "operation_decision",
    "indicator_create",
    "measurement_create",
    "spending_create",
    "supplier_create",
]


def fresh(record):
    """The record as stored now: a form opened now carries its current version."""
    return type(record)._base_manager.get(pk=record.pk)


def _valid(w, name):
    """A form that would be accepted, for hostile values to be mixed into."""
    project = w["project"]
    return {
        "project_create": lambda: payloads.project(w["own_org"]),
        "project_edit": lambda: payloads.project_edit(fresh(project)),
        "status_update_create": payloads.status_update,
        "phase_advance": lambda: payloads.gate_decision(project=project),
        "barrier_create": payloads.barrier,
        "barrier_resolve": lambda: payloads.resolution(fresh(w["barrier"])),
        "barrier_escalate": payloads.escalation,
        "decision_create": payloads.decision,
        "lesson_create": payloads.lesson,
        "review_note_create": payloads.review_note,
        "review_note_answer": lambda: payloads.answer(fresh(w["note"])),
        "operation_decision": lambda: payloads.operation_decision(
            OperationDecision.objects.filter(project=project, organisation=w["own_org"]).first()
        ),
        "indicator_create": lambda: payloads.benefit_indicator(w["own_org"]),
        "measurement_create": payloads.measurement,
        "spending_create": lambda: payloads.spending(year=str(_free_year(project))),
        "supplier_create": payloads.project_supplier,
    }[name]


def _free_year(project) -> int:
    """A year the project has no spending recorded for yet."""
    taken = set(Spending.objects.filter(project=project).values_list("year", flat=True))
    return next(year for year in range(2024, 2000, -1) if year not in taken)


@pytest.mark.parametrize("name", FORMS)
def test_hostile_posts_never_break_a_form(client, world, name):
    args, persona, fields = _forms(world)[name]
    client.force_login(world[persona])
    url = reverse(name, args=args)
    valid_form = _valid(world, name)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(hostile=st.fixed_dictionaries({}, optional=fields), keep=st.booleans())
    def post(hostile, keep):
        # Half the examples change a valid form here and there, half are hostile throughout.
        # Each example is a newly opened form (a create form's one-time token included).
        valid = valid_form()
        data = {**valid, **hostile} if keep else hostile
        before = database_snapshot()
        response = client.post(url, data)  # a server error raises here
        assert response.status_code in {200, 302}, response.status_code
        if response.status_code == 200:
            assert database_snapshot() == before, "a refused form stored something"
        else:
            _stored_text_is_clean()

    post()


def _stored_text_is_clean():
    from projects.models import (
        Barrier,
        BenefitIndicator,
        BenefitMeasurement,
        Decision,
        LessonLearned,
        Project,
        ProjectSupplier,
        StatusUpdate,
        Supplier,
    )

    for model, fields in [
        (Project, ["title", "summary", "outcome_note", "benefits_note"]),
        (StatusUpdate, ["progress", "help_text"]),
        (Barrier, ["title", "description", "resolution", "escalation_request"]),
        (Decision, ["title", "description"]),
        (LessonLearned, ["title", "advice"]),
        (OperationDecision, ["decided_by", "reason"]),
        (BenefitIndicator, ["title", "unit", "baseline_method", "owner"]),
        (BenefitMeasurement, ["method", "evidence"]),
        (Spending, ["competence_roles", "note"]),
        (Supplier, ["name", "cvr"]),
        (ProjectSupplier, ["note"]),
    ]:
        for values in model._base_manager.values_list(*fields):
            assert not any("\x00" in (value or "") for value in values)


def test_script_typed_anywhere_is_shown_escaped_everywhere(client, world, admin_user):
    evil = "<script>alert('x')</script>"
    project, coordinator = world["project"], world["coordinator"]
    client.force_login(coordinator)
    posts = [
        (
            "status_update_create",
            [project.pk],
            {
                "reported_on": "2022-06-01",
                "progress": evil,
                "overall_status": "red",
                "schedule_status": "red",
                "budget_status": "red",
                "benefits_status": "red",
            },
        ),
        (
            "barrier_create",
            [project.pk],
            {
                "category": "legal",
                "title": evil,
                "description": evil,
                "severity": "high",
                "status": "open",
                "identified_on": "2022-06-01",
                "escalated": "on",
                "escalation_request": evil,
            },
        ),
        (
            "decision_create",
            [project.pk],
            {"decided_on": "2022-06-01", "title": evil, "kind": "scope", "description": evil},
        ),
        (
            "lesson_create",
            [project.pk],
            {
                "title": evil,
                "category": "legal",
                "what_happened": evil,
                "advice": evil,
                "visibility": "portfolio",
                "learned_on": "2022-06-01",
            },
        ),
    ]
    own = world["own_org"]
    posts += [
        (
            "operation_decision",
            [project.pk, own.pk],
            payloads.operation_decision(
                decision="postponed", decided_by=evil, reason_category="data", reason=evil
            ),
        ),
        (
            "indicator_create",
            [project.pk],
            payloads.benefit_indicator(
                own, kind="quality", title=evil, unit=evil, baseline_method=evil, owner=evil
            ),
        ),
        (
            "measurement_create",
            [project.pk, world["indicator"].pk],
            payloads.measurement(method=evil, evidence=evil),
        ),
        ("spending_create", [project.pk], payloads.spending(competence_roles=evil, note=evil)),
        ("supplier_create", [project.pk], payloads.project_supplier(name=evil, note=evil)),
    ]
    for name, args, data in posts:
        data = {**data, "submission_token": payloads.token()}
        assert client.post(reverse(name, args=args), data).status_code == 302, name
    # Another project stops, saying why.
    stopped = factories.ProjectFactory(lead_organisation=own, title=evil)
    factories.PhaseFactory(project=stopped, started_on=date(2022, 1, 1))
    stop = payloads.gate_decision("stop", project=stopped, closing_explanation=evil)
    assert client.post(reverse("phase_advance", args=[stopped.pk]), stop).status_code == 302
    assert Project.objects.get(pk=stopped.pk).outcome == Outcome.STOPPED
    project.title = evil
    project.save()

    pages = [
        reverse("project_detail", args=[project.pk]),
        reverse("project_list"),
        reverse("lesson_list"),
        reverse("project_history", args=[project.pk]),
        reverse("indicator_edit", args=[project.pk, world["indicator"].pk]),
        reverse("project_detail", args=[stopped.pk]),
        reverse("project_list") + "?closed=include",
    ]
    client.force_login(world["reviewer"])
    pages_for_reviewer = [
        reverse("dashboard"),
        reverse("project_list") + "?escalated=1",
        reverse("operation_decision_list"),
        reverse("project_detail", args=[project.pk]),
    ]
    for url in pages_for_reviewer:
        _assert_escaped(client.get(url).content.decode(), url)
    client.force_login(coordinator)
    for url in pages:
        _assert_escaped(client.get(url).content.decode(), url)
    client.force_login(admin_user)
    for url in [
        reverse("admin:projects_project_changelist"),
        reverse("admin:projects_project_change", args=[project.pk]),
        reverse("admin:projects_barrier_changelist"),
        reverse("admin:projects_lessonlearned_changelist"),
        reverse("admin:projects_operationdecision_changelist"),
        reverse("admin:projects_benefitindicator_changelist"),
        reverse("admin:projects_benefitmeasurement_changelist"),
        reverse("admin:projects_spending_changelist"),
        reverse("admin:projects_supplier_changelist"),
        reverse("admin:projects_projectsupplier_changelist"),
        reverse("admin:auditlog_logentry_changelist"),
    ]:
        _assert_escaped(client.get(url).content.decode(), url)

    csv_body = b"".join(client.get(reverse("export_csv")).streaming_content).decode()
    assert evil in csv_body  # a CSV holds text, not markup; no formula prefix to neutralise
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(reverse("export_xlsx")).streaming_content))
    )
    assert evil in {row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)}


def _assert_escaped(html: str, url: str):
    assert "<script>alert" not in html, url
    assert re.search(r"&lt;script&gt;alert\(&(#x27|#39);x&(#x27|#39);\)", html), url
