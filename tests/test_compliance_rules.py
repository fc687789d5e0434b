"""The AI Act obligation rules: which projects have which obligations (the same answer per
project and in bulk), their due dates, re-derivation on every path a profile, a phase or an
organisation can change by, loading later versions of the catalogue, and the audit history of
each of those changes."""

import json
from datetime import date
from io import StringIO
from itertools import product
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    AIActRiskClass,
    AIActRole,
    AnnexIIIArea,
    Obligation,
    ObligationStatus,
    OrganisationKind,
    PhaseKind,
    Project,
    ProjectObligation,
    apply_catalogue,
    derive_obligations,
)
from projects.models.compliance import applicability, is_public_body, planned_go_live
from projects.selectors.history import project_history
from projects.services import update_project
from tests import factories, payloads

pytestmark = pytest.mark.django_db

CATALOGUE_PATH = Path(settings.BASE_DIR) / "projects" / "fixtures" / "ai_act_obligations.json"
CATALOGUE = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
EVERYONE = {"art5-prohibited-practices", "art4-ai-literacy"}
ART_26 = {
    "art26-1-instructions",
    "art26-2-human-oversight",
    "art26-4-input-data",
    "art26-5-monitoring",
    "art26-6-log-retention",
    "art26-7-inform-workers",
}
APPLIES_FROM = date(2026, 8, 2)  # art. 26, 27, 49 and 50 in catalogue version 1
LATE_GO_LIVE = date(2030, 6, 30)


def current_codes(project) -> set[str]:
    return set(
        ProjectObligation.objects.current()
        .filter(project=project)
        .values_list("obligation__code", flat=True)
    )


def high_risk_deployer(lead, **fields) -> Project:
    return factories.ProjectFactory(
        lead_organisation=lead,
        ai_act_risk_class=AIActRiskClass.HIGH,
        ai_act_role=AIActRole.DEPLOYER,
        annex_iii_area=fields.pop("annex_iii_area", AnnexIIIArea.ESSENTIAL_SERVICES),
        planned_end_date=fields.pop("planned_end_date", LATE_GO_LIVE),
        **fields,
    )


# Which projects have which obligations

GRID_KINDS = [OrganisationKind.MUNICIPALITY, OrganisationKind.REGION, OrganisationKind.OTHER]
GRID_AREAS = [
    AnnexIIIArea.NONE,
    AnnexIIIArea.EMPLOYMENT,
    AnnexIIIArea.ESSENTIAL_SERVICES,
    AnnexIIIArea.CRITICAL_INFRASTRUCTURE,  # excluded from art. 27, 49(3) and 86
]


@pytest.fixture
def grid():
    """A project for every profile: risk class × role × kind of lead organisation × Annex III
    area, inserted in bulk (no signals: nothing derived yet)."""
    leads = {kind: factories.OrganisationFactory(kind=kind) for kind in GRID_KINDS}
    projects = [
        Project(
            title=f"{risk} {role or 'ukendt'} {kind} {area or 'ingen'}",
            summary="Profil",
            lead_organisation=leads[kind],
            area="administration",
            start_date=date(2024, 1, 1),
            planned_end_date=LATE_GO_LIVE,
            ai_act_risk_class=risk,
            ai_act_role=role,
            annex_iii_area=area,
        )
        for risk, role, kind, area in product(AIActRiskClass, AIActRole, GRID_KINDS, GRID_AREAS)
    ]
    Project.objects.bulk_create(projects)
    assert not ProjectObligation.objects.filter(project__in=projects).exists()
    return projects


def expected(project: Project) -> set[str]:
    public_body = is_public_body(project.lead_organisation.kind)
    return {
        obligation.code
        for obligation in Obligation.objects.all()
        if obligation.applies_to(project, public_body=public_body)
    }


def test_the_catalogue_is_loaded_as_shipped():
    stored = {o.code: o for o in Obligation.objects.all()}
    assert set(stored) == {item["code"] for item in CATALOGUE["obligations"]}
    for item in CATALOGUE["obligations"]:
        obligation = stored[item["code"]]
        assert obligation.applies_from == date.fromisoformat(item["applies_from"])
        assert obligation.catalogue_version == CATALOGUE["version"]
        obligation.full_clean()


def test_applies_to_and_applicability_agree_for_every_entry_and_profile(grid):
    ids = [project.pk for project in grid]
    for obligation in Obligation.objects.all():
        per_project = {
            project.pk
            for project in grid
            if obligation.applies_to(
                project, public_body=is_public_body(project.lead_organisation.kind)
            )
        }
        in_bulk = set(
            Project.objects.filter(pk__in=ids)
            .filter(applicability(obligation))
            .values_list("pk", flat=True)
        )
        assert per_project == in_bulk, obligation.code
        assert per_project, f"{obligation.code} applies to no profile"
        if obligation.code not in EVERYONE:
            assert per_project != set(ids), f"{obligation.code} applies to every profile"


def test_bulk_and_per_project_derivation_give_every_profile_what_its_rule_says(grid):
    ids = [project.pk for project in grid]
    apply_catalogue(Project.objects.filter(pk__in=ids))
    for project in grid:
        assert current_codes(project) == expected(project), project.title
    held = dict(ProjectObligation.objects.filter(project__in=ids).values_list("pk", "due_on"))
    for project in grid[::5]:
        derive_obligations(project.pk)
    assert dict(ProjectObligation.objects.filter(project__in=ids).values_list("pk", "due_on")) == (
        held
    )


def test_art_4_and_5_apply_to_every_profile(grid):
    for project in grid:
        assert expected(project) >= EVERYONE, project.title


PROFILES = [
    # risk class, role, lead organisation, Annex III area: obligations beyond art. 4 and 5
    (
        "high",
        "deployer",
        "municipality",
        "essential_services",
        ART_26
        | {
            "art26-8-public-registration",
            "art26-11-inform-affected",
            "art27-fria",
            "art49-3-deployer-registration",
            "art50-transparency",
            "art86-explanation",
        },
    ),
    # Annex III point 2 (critical infrastructure): art. 26 applies, art. 27, 49(3), 86 do not.
    (
        "high",
        "deployer",
        "municipality",
        "critical_infrastructure",
        ART_26 | {"art26-8-public-registration", "art26-11-inform-affected", "art50-transparency"},
    ),
    # Not an Annex III system (a medical device, say): no FRIA, registration or explanation.
    (
        "high",
        "deployer",
        "region",
        "",
        ART_26 | {"art26-8-public-registration", "art50-transparency"},
    ),
    # A partner that is not a public body has no duties of public bodies.
    (
        "high",
        "deployer",
        "other",
        "employment",
        ART_26 | {"art26-11-inform-affected", "art50-transparency", "art86-explanation"},
    ),
    (
        "high",
        "provider",
        "municipality",
        "",
        {"art16-provider-duties", "art49-1-provider-registration", "art50-transparency"},
    ),
    ("high", "", "municipality", "essential_services", {"art50-transparency"}),
    ("limited", "deployer", "municipality", "essential_services", {"art50-transparency"}),
    ("limited", "provider", "other", "", {"art50-transparency"}),
    ("minimal", "deployer", "municipality", "employment", set()),
    ("not_assessed", "", "region", "", set()),
    ("prohibited", "deployer", "municipality", "biometrics", set()),
]


@pytest.mark.parametrize(
    ("risk", "role", "kind", "area", "beyond_everyone"),
    PROFILES,
    ids=["-".join(filter(None, profile[:4])) for profile in PROFILES],
)
def test_a_profile_has_the_obligations_the_ai_act_gives_it(risk, role, kind, area, beyond_everyone):
    project = factories.ProjectFactory(
        lead_organisation=factories.OrganisationFactory(kind=kind),
        ai_act_risk_class=risk,
        ai_act_role=role,
        annex_iii_area=area,
    )
    assert current_codes(project) == EVERYONE | beyond_everyone


def test_the_rule_lists_accept_only_known_values():
    fria = Obligation.objects.get(code="art27-fria")
    fria.full_clean()
    for field, value in (
        ("risk_classes", ["high", "very_high"]),
        ("roles", ["user"]),
        ("excluded_annex_iii_areas", ["critical_infrastructure", "outer_space"]),
        ("roles", "deployer"),  # a list, not a string
    ):
        setattr(fria, field, value)
        with pytest.raises(ValidationError) as refused:
            fria.full_clean()
        assert field in refused.value.message_dict
        fria.refresh_from_db()


# Due dates


def test_the_due_date_is_the_earlier_of_the_application_date_and_the_planned_go_live():
    fria = Obligation.objects.get(code="art27-fria")
    assert fria.due_on(None) == APPLIES_FROM
    assert fria.due_on(date(2026, 3, 1)) == date(2026, 3, 1)
    assert fria.due_on(date(2027, 3, 1)) == APPLIES_FROM
    assert fria.due_on(APPLIES_FROM) == APPLIES_FROM


def test_the_planned_go_live_is_the_implementation_phases_planned_end(norddjurs):
    project = high_risk_deployer(norddjurs, planned_end_date=date(2026, 5, 1))
    fria = ProjectObligation.objects.get(project=project, obligation__code="art27-fria")
    # Without an implementation phase, the project's planned end.
    assert planned_go_live(project.pk) == date(2026, 5, 1)
    assert fria.due_on == date(2026, 5, 1)
    factories.PhaseFactory(
        project=project,
        kind=PhaseKind.IMPLEMENTATION,
        started_on=date(2025, 1, 1),
        planned_end_on=date(2026, 2, 1),
    )
    fria.refresh_from_db()
    assert planned_go_live(project.pk) == date(2026, 2, 1)
    assert fria.due_on == date(2026, 2, 1)
    # art. 4 applies from 2 February 2025, before the go-live.
    literacy = ProjectObligation.objects.get(project=project, obligation__code="art4-ai-literacy")
    assert literacy.due_on == date(2025, 2, 2)


# Re-derivation when the profile changes, whichever way it is written


def _history(project, model) -> list[LogEntry]:
    from django.contrib.contenttypes.models import ContentType

    return list(
        project_history(project, with_review_notes=False).filter(
            content_type=ContentType.objects.get_for_model(model)
        )
    )


def test_a_superseded_obligation_is_kept_and_comes_back_as_it_was(norddjurs):
    project = high_risk_deployer(norddjurs)
    total = ProjectObligation.objects.filter(project=project).count()
    fria = ProjectObligation.objects.get(project=project, obligation__code="art27-fria")
    fria.status, fria.owner = ObligationStatus.IN_PROGRESS, "Databeskyttelsesrådgiveren"
    fria.evidence = "Udkast til konsekvensanalysen i ESDH-sag 2026-001234."
    fria.save()

    project.ai_act_risk_class = AIActRiskClass.MINIMAL
    project.save()
    assert current_codes(project) == EVERYONE
    assert ProjectObligation.objects.filter(project=project).count() == total  # none deleted
    fria.refresh_from_db()
    assert fria.superseded_on == timezone.localdate()
    assert (fria.status, fria.owner) == (ObligationStatus.IN_PROGRESS, "Databeskyttelsesrådgiveren")

    project.ai_act_risk_class = AIActRiskClass.HIGH
    project.save()
    again = ProjectObligation.objects.get(project=project, obligation__code="art27-fria")
    assert again.pk == fria.pk and again.superseded_on is None
    assert (again.status, again.owner, again.evidence) == (fria.status, fria.owner, fria.evidence)
    assert ProjectObligation.objects.filter(project=project).count() == total
    # Each step is in the project's history.
    changes = [entry.changes_dict for entry in _history(project, ProjectObligation)]
    assert {"superseded_on": [str(timezone.localdate()), "None"]} in changes
    assert {"superseded_on": ["None", str(timezone.localdate())]} in changes


def test_the_profile_form_gives_a_high_risk_deployer_its_obligations(client, coordinator, project):
    assert current_codes(project) == EVERYONE
    client.force_login(coordinator)
    response = client.post(
        reverse("project_edit", args=[project.pk]),
        payloads.project_edit(
            project,
            ai_act_risk_class="high",
            ai_act_role="deployer",
            annex_iii_area="essential_services",
            planned_end_date="2030-06-30",
        ),
    )
    assert response.status_code == 302
    assert current_codes(project) >= ART_26 | {"art27-fria", "art49-3-deployer-registration"}
    fria = ProjectObligation.objects.get(project=project, obligation__code="art27-fria")
    assert fria.due_on == APPLIES_FROM
    created = [
        entry
        for entry in _history(project, ProjectObligation)
        if entry.action == LogEntry.Action.CREATE and entry.actor == coordinator
    ]
    assert len(created) == len(current_codes(project) - EVERYONE)


def test_the_profile_service_rederives(norddjurs):
    project = high_risk_deployer(norddjurs)
    project.annex_iii_area = AnnexIIIArea.CRITICAL_INFRASTRUCTURE
    update_project(
        project=project,
        participants=[],
        expected_version=project.version,
        fields=["annex_iii_area"],
    )
    codes = current_codes(project)
    assert codes >= ART_26
    assert not {"art27-fria", "art49-3-deployer-registration", "art86-explanation"} & codes


def test_the_admin_rederives(admin_client, norddjurs):
    project = factories.ProjectFactory(lead_organisation=norddjurs, planned_end_date=LATE_GO_LIVE)
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value is not None}
    data.update(ai_act_risk_class="high", ai_act_role="deployer", annex_iii_area="employment")
    for inline in page.context["inline_admin_formsets"]:
        data.update({f"{inline.formset.prefix}-TOTAL_FORMS": 0})
        data.update({f"{inline.formset.prefix}-INITIAL_FORMS": 0})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "art27-fria" in current_codes(project)
    assert ProjectObligation.objects.get(project=project, obligation__code="art27-fria").due_on == (
        APPLIES_FROM
    )


def test_a_plain_save_rederives(norddjurs):
    project = factories.ProjectFactory(lead_organisation=norddjurs)
    project.ai_act_risk_class = AIActRiskClass.LIMITED
    project.save(update_fields=["ai_act_risk_class"])
    assert current_codes(project) == EVERYONE | {"art50-transparency"}
    project.ai_act_risk_class = AIActRiskClass.NOT_ASSESSED
    project.save()
    assert current_codes(project) == EVERYONE


def test_moving_a_phases_planned_end_moves_the_due_dates(norddjurs):
    project = high_risk_deployer(norddjurs)
    phase = factories.PhaseFactory(
        project=project,
        kind=PhaseKind.IMPLEMENTATION,
        started_on=date(2025, 6, 1),
        planned_end_on=date(2026, 3, 1),
    )
    fria = ProjectObligation.objects.get(project=project, obligation__code="art27-fria")
    assert fria.due_on == date(2026, 3, 1)
    phase.planned_end_on = date(2026, 12, 1)
    phase.save()
    fria.refresh_from_db()
    assert fria.due_on == APPLIES_FROM  # now the earlier of the two
    assert {"due_on": ["2026-03-01", "2026-08-02"]} in [
        entry.changes_dict for entry in _history(project, ProjectObligation)
    ]
    phase.delete()
    fria.refresh_from_db()
    assert fria.due_on == APPLIES_FROM  # the project's planned end (2030) is later


def test_a_lead_that_is_no_public_body_has_no_duties_of_public_bodies(norddjurs):
    project = high_risk_deployer(norddjurs)
    public_only = {"art26-8-public-registration", "art27-fria", "art49-3-deployer-registration"}
    assert public_only <= current_codes(project)
    norddjurs.kind = OrganisationKind.OTHER
    norddjurs.save()
    codes = current_codes(project)
    assert not public_only & codes
    assert codes >= ART_26  # the deployer duties stay
    superseded = ProjectObligation.objects.filter(project=project, superseded_on__isnull=False)
    assert set(superseded.values_list("obligation__code", flat=True)) == public_only
    # In the history: the organisation's change and each obligation superseded by it.
    organisation_entry = LogEntry.objects.get_for_object(norddjurs).latest("timestamp")
    assert organisation_entry.changes_dict["kind"] == ["municipality", "other"]
    entries = [
        entry
        for entry in _history(project, ProjectObligation)
        if entry.changes_dict == {"superseded_on": ["None", str(timezone.localdate())]}
    ]
    assert {entry.object_id for entry in entries} == set(superseded.values_list("pk", flat=True))
    norddjurs.kind = OrganisationKind.MUNICIPALITY
    norddjurs.save()
    assert public_only <= current_codes(project)


# Later versions of the catalogue


def _catalogue_file(tmp_path, version: int, change) -> str:
    document = json.loads(json.dumps(CATALOGUE))
    document["version"] = version
    change(document["obligations"])
    path = tmp_path / f"ai_act_obligations_v{version}.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _entry(items, code) -> dict:
    return next(item for item in items if item["code"] == code)


def test_a_newer_catalogue_moves_dates_and_adds_entries_but_leaves_newer_ones_alone(
    tmp_path, norddjurs
):
    project = high_risk_deployer(norddjurs)
    # An administrator moved the FRIA's date and marked the entry as newer than version 2.
    fria = Obligation.objects.get(code="art27-fria")
    fria.applies_from, fria.catalogue_version = date(2028, 1, 1), 3
    fria.save()

    def change(items):
        _entry(items, "art26-1-instructions")["applies_from"] = "2027-12-02"
        _entry(items, "art27-fria")["applies_from"] = "2027-12-02"
        items.append(
            {
                **_entry(items, "art26-1-instructions"),
                "code": "art26-3-oversight-staff",
                "article": "art. 26(3)",
                "title_da": "Tilsyn ved personer med de nødvendige kompetencer",
                "title_en": "Oversight by people with the necessary competence",
            }
        )

    out = StringIO()
    call_command("load_obligations", _catalogue_file(tmp_path, 2, change), stdout=out)
    assert "version 2: 16 of 17" in out.getvalue()
    held = dict(
        ProjectObligation.objects.filter(project=project).values_list("obligation__code", "due_on")
    )
    assert held["art26-1-instructions"] == date(2027, 12, 2)
    assert held["art26-3-oversight-staff"] == date(2027, 12, 2)
    assert held["art27-fria"] == date(2028, 1, 1)  # the administrator's date stands
    assert Obligation.objects.get(code="art26-1-instructions").catalogue_version == 2
    # Loading the same version again changes nothing.
    out = StringIO()
    call_command("load_obligations", _catalogue_file(tmp_path, 2, change), stdout=out)
    assert "version 2: 0 of 17" in out.getvalue()
    # The catalogue's change and the projects' new due dates are in the history.
    instructions = Obligation.objects.get(code="art26-1-instructions")
    assert LogEntry.objects.get_for_object(instructions).filter(
        changes__applies_from=["2026-08-02", "2027-12-02"]
    )
    assert {"due_on": ["2026-08-02", "2027-12-02"]} in [
        entry.changes_dict for entry in _history(project, ProjectObligation)
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a catalogue"),
        ('{"version": 2}', "not a catalogue"),
        ('{"version": 2, "obligations": [{"code": "art5-prohibited-practices"}]}', "title_da"),
    ],
    ids=["not-json", "no-entries", "entry-missing-fields"],
)
def test_a_broken_catalogue_file_is_refused_with_a_clear_error(tmp_path, content, message):
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message) as refused:
        call_command("load_obligations", str(path), stdout=StringIO())
    assert str(path) in str(refused.value)
    assert not Obligation.objects.filter(catalogue_version=2).exists()


def test_a_catalogue_entry_with_an_unknown_rule_value_is_refused_and_nothing_loaded(tmp_path):
    def change(items):
        _entry(items, "art4-ai-literacy")["applies_from"] = "2025-03-01"
        _entry(items, "art50-transparency")["risk_classes"] = ["limited", "medium"]

    path = _catalogue_file(tmp_path, 2, change)
    with pytest.raises(CommandError, match="art50-transparency") as refused:
        call_command("load_obligations", path, stdout=StringIO())
    assert "risk_classes" in str(refused.value)
    # All or nothing: the valid entry before it was not loaded either.
    assert Obligation.objects.get(code="art4-ai-literacy").applies_from == date(2025, 2, 2)
    assert not Obligation.objects.filter(catalogue_version=2).exists()


def test_a_missing_file_is_refused_with_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="not a catalogue"):
        call_command("load_obligations", str(tmp_path / "missing.json"), stdout=StringIO())
