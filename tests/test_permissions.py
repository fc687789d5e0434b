"""Every page of the app × GET and POST × every persona: the status code, and that a
refused POST changed nothing. The URL list comes from the URL configuration, so a new
page without an entry here fails `test_every_url_has_a_case`."""

import copy
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from projects import urls as project_urls
from projects.models import (
    GateDecision,
    Membership,
    PhaseKind,
)
from projects.services.api_tokens import create_api_token
from tests import factories, payloads, personas, register_factories, solution_factories

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "agency_admin",
    "agency_reviewer",
    "lead_coordinator",
    "lead_viewer",
    "participant_coordinator",
    "participant_viewer",
    "outsider_coordinator",
    "no_membership",
]
SIGNED_IN = PERSONAS[1:]


def codes(default: int, **overrides: int) -> dict[str, int]:
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


READ = codes(200, anonymous=302, outsider_coordinator=404, no_membership=404)
NOT_ALLOWED_METHOD = codes(405, anonymous=302)
CHANGE_GET = codes(
    403,
    anonymous=302,
    agency_admin=200,
    lead_coordinator=200,
    outsider_coordinator=404,
    no_membership=404,
)
CHANGE_POST = {p: 302 if c == 200 else c for p, c in CHANGE_GET.items()}
REVIEW_GET = {**CHANGE_GET, "agency_reviewer": 200, "lead_coordinator": 403}
REVIEW_POST = {p: 302 if c == 200 else c for p, c in REVIEW_GET.items()}
AGENCY_ONLY = codes(403, anonymous=302, agency_admin=200, agency_reviewer=200)
ADMIN_POST = {**CHANGE_POST, "lead_coordinator": 403}
LESSON_GET = {**CHANGE_GET, "participant_coordinator": 200, "participant_viewer": 200}
LESSON_POST = {**CHANGE_POST, "participant_coordinator": 302, "participant_viewer": 302}
# A participating organisation's coordinator records that organisation's operation decision
# and benefits; its viewers only read them.
DESTINATION_GET = {**CHANGE_GET, "participant_coordinator": 200}
DESTINATION_POST = {**CHANGE_POST, "participant_coordinator": 302}
# The catalogue of solutions is read by everyone signed in: no 404, only 403 above the role.
# The lead organisation owns the solution; the participant has an open adoption of it.
SOLUTION_CHANGE_GET = codes(403, anonymous=302, agency_admin=200, lead_coordinator=200)
SOLUTION_CHANGE_POST = {p: 302 if c == 200 else c for p, c in SOLUTION_CHANGE_GET.items()}
SOLUTION = lambda w: [w.solution.pk]  # noqa: E731


@dataclass
class World:
    project: object
    barrier: object
    note: object
    update: object
    withdrawn_decision: object
    archived_project: object
    other_project: object
    lead_organisation: object
    participant_organisation: object
    # Benefits of the participating organisation (syddjurs) and of the lead (norddjurs).
    indicator: object
    measurement: object
    lead_indicator: object
    lead_measurement: object
    spending: object
    supplier_link: object
    users: dict = field(default_factory=dict)
    # An open legal question of the project, raised from its barrier.
    legal_question: object = None
    # A lesson of the project kept to the project's organisations (not shared).
    lesson: object = None
    # A pending invitation to the lead organisation, its link carrying INVITATION_TOKEN.
    invitation: object = None
    # The lead organisation's reusable solution and the participant's adoption of it.
    solution: object = None
    adoption: object = None
    # A register record of the lead organisation in each workflow state, by state.
    register: dict = None


INVITATION_TOKEN = "matrix-invitation-token"


def build_world(
    project,
    norddjurs,
    syddjurs,
    aarhus,
    administrator,
    reviewer,
    coordinator,
    viewer,
    participant,
    participant_viewer,
    outsider,
    **_others,
):
    """The shared personas of tests/conftest.py around one project with a record of each kind."""
    factories.PhaseFactory(project=project, kind=PhaseKind.CLARIFICATION)
    barrier = factories.BarrierFactory(project=project, identified_on=date(2022, 3, 1))
    update = factories.StatusUpdateFactory(project=project)
    lesson = factories.LessonFactory(project=project, visibility="project")
    withdrawn_decision = factories.DecisionFactory(
        project=project, withdrawn_at=timezone.now(), withdrawn_by=coordinator
    )
    note = factories.ReviewNoteFactory(project=project, kind="follow_up")
    indicator = factories.BenefitIndicatorFactory(project=project, organisation=syddjurs)
    lead_indicator = factories.BenefitIndicatorFactory(project=project, organisation=norddjurs)
    world = World(
        project=project,
        barrier=barrier,
        note=note,
        update=update,
        withdrawn_decision=withdrawn_decision,
        archived_project=factories.ProjectFactory(
            lead_organisation=norddjurs, participants=[syddjurs], archived=True
        ),
        other_project=factories.ProjectFactory(title="Aarhus-projekt", lead_organisation=aarhus),
        lead_organisation=norddjurs,
        participant_organisation=syddjurs,
        indicator=indicator,
        measurement=factories.BenefitMeasurementFactory(indicator=indicator),
        lead_indicator=lead_indicator,
        lead_measurement=factories.BenefitMeasurementFactory(indicator=lead_indicator),
        spending=factories.SpendingFactory(project=project, year=2023),
        supplier_link=factories.ProjectSupplierFactory(project=project),
        legal_question=factories.LegalQuestionFactory(project=project, barrier=barrier),
        lesson=lesson,
        invitation=factories.InvitationFactory(
            organisation=norddjurs, invited_by=administrator, token=INVITATION_TOKEN
        ),
        users={
            "agency_admin": administrator,
            "agency_reviewer": reviewer,
            "lead_coordinator": coordinator,
            "lead_viewer": viewer,
            "participant_coordinator": participant,
            "participant_viewer": participant_viewer,
            "outsider_coordinator": outsider,
            "no_membership": factories.UserFactory(username="no_membership"),
        },
    )
    world.solution, world.adoption = solution_factories.catalogue(world)
    world.register = register_factories.register_world(world)
    # The agency administrator's own API token (revoked in the matrix).
    world.api_token = create_api_token(user=administrator, name="Porteføljeudtræk").token
    return world


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The world is made once for the module's many tests; each test's writes are undone."""
    with personas.module_rows(django_db_blocker):
        yield build_world(**personas.everyone())


@pytest.fixture
def world(module_world, db):
    """A copy of the world's objects for the test to change as it likes."""
    return copy.deepcopy(module_world)


@dataclass(frozen=True)
class Case:
    get: dict
    post: dict
    args: object = None  # World -> list of URL arguments
    data: object = None  # World -> POST data


PROJECT = lambda w: [w.project.pk]  # noqa: E731
BARRIER = lambda w: [w.project.pk, w.barrier.pk]  # noqa: E731
NOTE = lambda w: [w.project.pk, w.note.pk]  # noqa: E731
ARCHIVED_PROJECT = lambda w: [w.archived_project.pk]  # noqa: E731
INDICATOR = lambda w: [w.project.pk, w.indicator.pk]  # noqa: E731
SIGNED_IN_READ = codes(200, anonymous=302)


def literacy(project):
    """The project's AI literacy obligation (art. 4), which every project has."""
    return project.obligations.get(obligation__code="art4-ai-literacy")


REGISTER = lambda state: lambda w: [w.register[state].project_id]  # noqa: E731

# Inviting: agency administrators (anywhere) and coordinators (their own organisation); the
# participant's and outsider's coordinators are offered only their own organisation.
INVITER_GET = codes(
    403,
    anonymous=302,
    agency_admin=200,
    lead_coordinator=200,
    participant_coordinator=200,
    outsider_coordinator=200,
)
# An invitation to the lead organisation: another organisation's is not found.
INVITATION_POST = codes(
    404,
    anonymous=302,
    agency_admin=302,
    agency_reviewer=403,
    lead_coordinator=302,
    lead_viewer=403,
)
INVITATION = lambda w: [w.invitation.pk]  # noqa: E731

CASES: dict[str, Case] = {
    # API tokens: agency members create and revoke their own (another's token is not found).
    "api_tokens": Case(
        get=AGENCY_ONLY,
        post=codes(403, anonymous=302, agency_admin=302, agency_reviewer=302),
        data=lambda w: {"name": "Ledelsesinformation"},
    ),
    "api_token_revoke": Case(
        get=NOT_ALLOWED_METHOD,
        post=codes(403, anonymous=302, agency_admin=302, agency_reviewer=404),
        args=lambda w: [w.api_token.pk],
    ),
    # The published register's downloads: everyone, signed in or not.
    "register_export_json": Case(get=codes(200), post=codes(405)),
    "register_export_csv": Case(get=codes(200), post=codes(405)),
    # The public algorithm register: read by everyone, signed in or not.
    "public_register": Case(get=codes(200), post=codes(405)),
    "public_register_detail": Case(
        get=codes(200), post=codes(405), args=lambda w: [w.register["published"].pk]
    ),
    "register_review": Case(get=AGENCY_ONLY, post=NOT_ALLOWED_METHOD),
    "register_record": Case(get=READ, post=NOT_ALLOWED_METHOD, args=REGISTER("draft")),
    "register_record_edit": Case(
        get=CHANGE_GET,
        post=CHANGE_POST,
        args=REGISTER("draft"),
        data=lambda w: register_factories.record_data(w.register["draft"], name="Nyt navn"),
    ),
    "register_record_submit": Case(
        get=NOT_ALLOWED_METHOD, post=CHANGE_POST, args=REGISTER("draft")
    ),
    "register_record_approve": Case(
        get=NOT_ALLOWED_METHOD, post=REVIEW_POST, args=REGISTER("submitted")
    ),
    "register_record_return": Case(
        get=REVIEW_GET,
        post=REVIEW_POST,
        args=REGISTER("submitted"),
        data=lambda w: {"return_note": "Uddyb risici.", "version": w.register["submitted"].version},
    ),
    "register_record_publish": Case(
        get=NOT_ALLOWED_METHOD, post=CHANGE_POST, args=REGISTER("approved")
    ),
    # The agency's reviewers withdraw a published record too.
    "register_record_withdraw": Case(
        get=NOT_ALLOWED_METHOD,
        post={**CHANGE_POST, "agency_reviewer": 302},
        args=REGISTER("published"),
    ),
    "solution_list": Case(get=codes(200, anonymous=302), post=NOT_ALLOWED_METHOD),
    "solution_detail": Case(get=codes(200, anonymous=302), post=NOT_ALLOWED_METHOD, args=SOLUTION),
    # Any coordinator adds a solution, but only for their own organisation.
    "solution_create": Case(
        get=codes(
            200,
            anonymous=302,
            agency_reviewer=403,
            lead_viewer=403,
            participant_viewer=403,
            no_membership=403,
        ),
        post=codes(
            200,
            anonymous=302,
            agency_admin=302,
            lead_coordinator=302,
            agency_reviewer=403,
            lead_viewer=403,
            participant_viewer=403,
            no_membership=403,
        ),
        data=lambda w: solution_factories.solution_data(w.lead_organisation),
    ),
    "solution_edit": Case(
        get=SOLUTION_CHANGE_GET,
        post=SOLUTION_CHANGE_POST,
        args=SOLUTION,
        data=lambda w: solution_factories.solution_edit_data(w.solution, title="Nyt navn"),
    ),
    # Another organisation's coordinators adopt (the owner never): the participant has an
    # open adoption already, so its second one is refused with the form (200).
    "solution_adopt": Case(
        get=codes(
            403,
            anonymous=302,
            agency_admin=200,
            participant_coordinator=200,
            outsider_coordinator=200,
        ),
        post=codes(
            403,
            anonymous=302,
            agency_admin=302,
            participant_coordinator=200,
            outsider_coordinator=302,
        ),
        args=SOLUTION,
        data=lambda w: solution_factories.adoption_data(w.other_project.lead_organisation),
    ),
    "adoption_stage": Case(
        get=codes(403, anonymous=302, agency_admin=200, participant_coordinator=200),
        post=codes(403, anonymous=302, agency_admin=302, participant_coordinator=302),
        args=lambda w: [w.solution.pk, w.adoption.pk],
        data=lambda w: solution_factories.stage_data(w.adoption, "assessing"),
    ),
    "adoption_seen": Case(
        get=NOT_ALLOWED_METHOD,
        post=codes(403, anonymous=302, lead_coordinator=302),
        args=SOLUTION,
    ),
    "home": Case(get=codes(302), post=codes(405)),
    "health": Case(get=codes(200), post=codes(405)),
    "health_ready": Case(get=codes(200), post=codes(405)),
    "login": Case(get=codes(302, anonymous=200), post=codes(302, anonymous=200)),
    "logout": Case(get=codes(405), post=codes(302)),
    # Sign-in through an identity provider: open to everyone, by GET only; a key that names no
    # configured provider (none is configured here) is not found.
    "oidc_login": Case(get=codes(404), post=codes(405), args=lambda w: ["test"]),
    "oidc_callback": Case(get=codes(404), post=codes(405), args=lambda w: ["test"]),
    "password_change": Case(get=codes(200, anonymous=302), post=codes(200, anonymous=302)),
    "password_change_done": Case(get=codes(200, anonymous=302), post=NOT_ALLOWED_METHOD),
    # Every signed-in user chooses their own e-mail notifications (a POST turns one off).
    "notification_preferences": Case(
        get=codes(200, anonymous=302),
        post=codes(302, anonymous=302),
        data=lambda w: (
            {"follow_up": "off", "language": "da"}
            | dict.fromkeys(("answer", "escalation", "gate_decision", "digest"), "weekly")
            | {"adoption_interest": "immediately"}
        ),
    ),
    # Anyone may ask for a new password; the answer never says whether the address exists.
    "password_reset": Case(
        get=codes(200), post=codes(302), data=lambda w: {"email": "nobody@example.org"}
    ),
    "password_reset_done": Case(get=codes(200), post=codes(405)),
    "password_reset_confirm": Case(get=codes(200), post=codes(200), args=lambda w: ["MA", "x-y"]),
    "password_reset_complete": Case(get=codes(200), post=codes(405)),
    "invitation_list": Case(get=INVITER_GET, post=NOT_ALLOWED_METHOD),
    "invitation_create": Case(
        get=INVITER_GET,
        post={**INVITER_GET, "agency_admin": 302, "lead_coordinator": 302},
        data=lambda w: {
            "email": "ny.kollega@example.org",
            "organisation": w.lead_organisation.pk,
            "role": "viewer",
        },
    ),
    "invitation_withdraw": Case(get=NOT_ALLOWED_METHOD, post=INVITATION_POST, args=INVITATION),
    "invitation_resend": Case(get=NOT_ALLOWED_METHOD, post=INVITATION_POST, args=INVITATION),
    # The link's page is open to whoever holds it; nobody here is the invited person, so a
    # POST without a password (or from another account) creates nothing.
    "invitation_accept": Case(get=codes(200), post=codes(200), args=lambda w: [INVITATION_TOKEN]),
    "project_list": Case(get=SIGNED_IN_READ, post=NOT_ALLOWED_METHOD),
    "export_csv": Case(get=SIGNED_IN_READ, post=NOT_ALLOWED_METHOD),
    "export_xlsx": Case(get=SIGNED_IN_READ, post=NOT_ALLOWED_METHOD),
    "dashboard": Case(get=AGENCY_ONLY, post=NOT_ALLOWED_METHOD),
    "operation_decision_list": Case(get=AGENCY_ONLY, post=NOT_ALLOWED_METHOD),
    "lesson_list": Case(get=SIGNED_IN_READ, post=NOT_ALLOWED_METHOD),
    # A lesson kept to its project is read by the project's readers; a shared one by every
    # signed-in user (test_a_shared_lesson_is_read_by_everyone_signed_in below).
    "lesson_detail": Case(get=READ, post=NOT_ALLOWED_METHOD, args=lambda w: [w.lesson.pk]),
    "legal_question_list": Case(get=SIGNED_IN_READ, post=NOT_ALLOWED_METHOD),
    "open_legal_question_list": Case(get=AGENCY_ONLY, post=NOT_ALLOWED_METHOD),
    "legal_question_create": Case(
        get=CHANGE_GET, post=CHANGE_POST, args=PROJECT, data=lambda w: payloads.legal_question()
    ),
    "legal_question_edit": Case(
        get=CHANGE_GET,
        post=CHANGE_POST,
        args=lambda w: [w.project.pk, w.legal_question.pk],
        data=lambda w: payloads.legal_answer(w.legal_question),
    ),
    "review_note_create": Case(
        get=REVIEW_GET, post=REVIEW_POST, args=PROJECT, data=lambda w: payloads.review_note()
    ),
    "review_note_answer": Case(
        get=CHANGE_GET, post=CHANGE_POST, args=NOTE, data=lambda w: payloads.answer(w.note)
    ),
    "review_note_close": Case(get=NOT_ALLOWED_METHOD, post=REVIEW_POST, args=NOTE),
    "project_history": Case(get=READ, post=NOT_ALLOWED_METHOD, args=PROJECT),
    "project_archive": Case(get=NOT_ALLOWED_METHOD, post=ADMIN_POST, args=PROJECT),
    "project_restore": Case(get=NOT_ALLOWED_METHOD, post=ADMIN_POST, args=ARCHIVED_PROJECT),
    "entry_withdraw": Case(
        get=CHANGE_GET,
        post=CHANGE_POST,
        args=lambda w: [w.project.pk, "updates", w.update.pk],
    ),
    "entry_restore": Case(
        get=NOT_ALLOWED_METHOD,
        post=CHANGE_POST,
        args=lambda w: [w.project.pk, "decisions", w.withdrawn_decision.pk],
    ),
    "project_detail": Case(get=READ, post=NOT_ALLOWED_METHOD, args=PROJECT),
    "project_operation": Case(get=READ, post=NOT_ALLOWED_METHOD, args=PROJECT),
    "project_rules": Case(get=READ, post=NOT_ALLOWED_METHOD, args=PROJECT),
    "project_create": Case(
        # Any coordinator may create a project, but only for their own organisation.
        get=codes(
            200,
            anonymous=302,
            agency_reviewer=403,
            lead_viewer=403,
            participant_viewer=403,
            no_membership=403,
        ),
        post=codes(
            200,
            anonymous=302,
            agency_admin=302,
            lead_coordinator=302,
            agency_reviewer=403,
            lead_viewer=403,
            participant_viewer=403,
            no_membership=403,
        ),
        data=lambda w: payloads.project(w.project.lead_organisation),
    ),
    "project_edit": Case(
        get=CHANGE_GET,
        post=CHANGE_POST,
        args=PROJECT,
        data=lambda w: payloads.project_edit(w.project, title="Ny titel"),
    ),
    "status_update_create": Case(
        get=CHANGE_GET, post=CHANGE_POST, args=PROJECT, data=lambda w: payloads.status_update()
    ),
    "phase_advance": Case(
        get=CHANGE_GET,
        post=CHANGE_POST,
        args=PROJECT,
        data=lambda w: payloads.gate_decision(GateDecision.GO, project=w.project),
    ),
    "barrier_create": Case(
        get=CHANGE_GET, post=CHANGE_POST, args=PROJECT, data=lambda w: payloads.barrier()
    ),
    "barrier_edit": Case(
        get=CHANGE_GET,
        post=CHANGE_POST,
        args=BARRIER,
        data=lambda w: payloads.barrier_edit(w.barrier, title="Omdøbt barriere"),
    ),
    "barrier_resolve": Case(
        get=CHANGE_GET,
        post=CHANGE_POST,
        args=BARRIER,
        data=lambda w: payloads.resolution(w.barrier),
    ),
    "barrier_escalate": Case(
        get=CHANGE_GET,
        post=CHANGE_POST,
        args=BARRIER,
        data=lambda w: payloads.escalation(),
    ),
    "decision_create": Case(
        get=CHANGE_GET,
        post=CHANGE_POST,
        args=PROJECT,
        data=lambda w: payloads.decision(barriers=[w.barrier.pk]),
    ),
    "lesson_create": Case(
        get=LESSON_GET, post=LESSON_POST, args=PROJECT, data=lambda w: payloads.lesson()
    ),
    # The participating organisation's own operation decision and benefits (the lead's are
    # in test_the_lead_organisations_destination_is_not_the_participants below).
    "operation_decision": Case(
        get=DESTINATION_GET,
        post=DESTINATION_POST,
        args=lambda w: [w.project.pk, w.participant_organisation.pk],
        data=lambda w: payloads.operation_decision(),
    ),
    "indicator_create": Case(
        get=DESTINATION_GET,
        post=DESTINATION_POST,
        args=PROJECT,
        data=lambda w: payloads.benefit_indicator(w.participant_organisation),
    ),
    "indicator_edit": Case(
        get=DESTINATION_GET,
        post=DESTINATION_POST,
        args=INDICATOR,
        data=lambda w: payloads.benefit_indicator_edit(w.indicator, title="Omdøbt indikator"),
    ),
    "measurement_create": Case(
        get=DESTINATION_GET,
        post=DESTINATION_POST,
        args=INDICATOR,
        data=lambda w: payloads.measurement(),
    ),
    "measurement_edit": Case(
        get=DESTINATION_GET,
        post=DESTINATION_POST,
        args=lambda w: [w.project.pk, w.measurement.pk],
        data=lambda w: payloads.measurement_edit(w.measurement, value="799,5"),
    ),
    # The project's AI Act obligations: every project has AI literacy (art. 4).
    "obligation_edit": Case(
        get=CHANGE_GET,
        post=CHANGE_POST,
        args=lambda w: [w.project.pk, literacy(w.project).pk],
        data=lambda w: payloads.obligation(
            literacy(w.project), status="in_progress", owner="HR-chefen"
        ),
    ),
    # Spending and suppliers are the lead's.
    "spending_create": Case(
        get=CHANGE_GET, post=CHANGE_POST, args=PROJECT, data=lambda w: payloads.spending()
    ),
    "spending_edit": Case(
        get=CHANGE_GET,
        post=CHANGE_POST,
        args=lambda w: [w.project.pk, w.spending.pk],
        data=lambda w: payloads.spending_edit(w.spending, external_dkk="1.000.000"),
    ),
    "supplier_create": Case(
        get=CHANGE_GET, post=CHANGE_POST, args=PROJECT, data=lambda w: payloads.project_supplier()
    ),
    "supplier_edit": Case(
        get=CHANGE_GET,
        post=CHANGE_POST,
        args=lambda w: [w.project.pk, w.supplier_link.pk],
        data=lambda w: payloads.project_supplier_edit(w.supplier_link, note="Drift og support."),
    ),
}


def test_every_url_has_a_case():
    names = {pattern.name for pattern in project_urls.urlpatterns}
    assert names == set(CASES)


def database_snapshot() -> dict:
    """Every row of the app's tables and of the users, to compare before and after."""
    models = [*apps.get_app_config("projects").get_models(), get_user_model(), Membership]
    snapshot = {}
    for model in models:
        rows = model.objects.order_by("pk").values()
        snapshot[model._meta.label] = [
            {k: v for k, v in row.items() if k != "last_login"} for row in rows
        ]
    return snapshot


def _request(client, world, name, method, persona):
    case = CASES[name]
    if persona != "anonymous":
        client.force_login(world.users[persona])
    url = reverse(name, args=case.args(world) if case.args else [])
    if method == "get":
        return client.get(url)
    return client.post(url, case.data(world) if case.data else {})


MATRIX = [
    (name, method, persona) for name in CASES for method in ("get", "post") for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "method", "persona"), MATRIX)
def test_permission_matrix(client, world, name, method, persona):
    expected = getattr(CASES[name], method)[persona]
    before = database_snapshot() if method == "post" else None
    response = _request(client, world, name, method, persona)
    assert response.status_code == expected, response.content.decode()[:2000]
    if method == "post" and name not in {"login", "logout"}:
        after = database_snapshot()
        refused = expected != 302 or persona == "anonymous"
        if refused:
            assert after == before
        elif name not in {"password_change", "password_reset"}:
            assert after != before, "an accepted POST should have changed something"


@pytest.mark.parametrize("name", ["barrier_edit", "barrier_resolve", "barrier_escalate"])
def test_a_barrier_of_another_project_is_not_found_even_for_the_agency(client, world, name):
    foreign = factories.BarrierFactory(project=world.other_project)
    client.force_login(world.users["agency_admin"])
    url = reverse(name, args=[world.project.pk, foreign.pk])
    assert client.get(url).status_code in {404, 405}
    before = database_snapshot()
    assert client.post(url, payloads.resolution(foreign)).status_code == 404
    assert database_snapshot() == before


REVIEW_READERS = {"agency_admin", "agency_reviewer", "lead_coordinator", "lead_viewer"}


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_who_reads_review_notes_and_project_lessons(client, world, persona):
    """Review notes are between the agency and the lead organisation; a lesson kept to the
    project is read by the project's organisations and the agency; a shared one by everyone."""
    factories.LessonFactory(project=world.project, title="Kun til projektet", visibility="project")
    factories.LessonFactory(
        project=world.project, title="Delt med porteføljen", visibility="portfolio"
    )
    # The note's creation is in the change history as a service would write it.
    world.note.text = "Send os den opdaterede konsekvensanalyse."
    world.note.save()
    client.force_login(world.users[persona])
    page = client.get(reverse("project_detail", args=[world.project.pk]))
    readers = {persona for persona, code in READ.items() if code == 200}
    if persona in readers:
        html = page.content.decode()
        assert (world.note.text in html) == (persona in REVIEW_READERS)
        listing = client.get(reverse("project_list")).content.decode()
        assert ("Opfølgningsanmodning" in listing) == (persona in REVIEW_READERS)
        history = client.get(reverse("project_history", args=[world.project.pk]))
        assert (world.note.text in history.content.decode()) == (persona in REVIEW_READERS)
    else:
        assert page.status_code == 404
    lessons = client.get(reverse("lesson_list")).content.decode()
    assert ("Kun til projektet" in lessons) == (persona in readers)
    # The label says exactly who reads such a lesson.
    assert ("Projektets organisationer og styrelsen" in lessons) == (persona in readers)
    assert "Delt med porteføljen" in lessons


PROJECT_READERS = {persona for persona, code in READ.items() if code == 200}
# Aarhus' project (World.other_project) is read by the agency and by Aarhus' coordinator.
OTHER_PROJECT_READERS = {"agency_admin", "agency_reviewer", "outsider_coordinator"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_shared_lesson_is_read_by_everyone_signed_in(client, world, persona):
    """A lesson shared with the portfolio has its own page for every signed-in user; it and
    the library link to the project only for those who may open the project."""
    shared = factories.LessonFactory(
        project=world.project, title="Delt erfaring om data", visibility="portfolio"
    )
    if persona != "anonymous":
        client.force_login(world.users[persona])
    page = client.get(reverse("lesson_detail", args=[shared.pk]))
    if persona == "anonymous":
        assert page.status_code == 302
        return
    assert page.status_code == 200
    html = page.content.decode()
    project_url = reverse("project_detail", args=[world.project.pk])
    assert "Delt erfaring om data" in html and world.project.title in html
    assert (f'href="{project_url}"' in html) == (persona in PROJECT_READERS)
    library = client.get(reverse("lesson_list")).content.decode()
    assert f'href="{reverse("lesson_detail", args=[shared.pk])}"' in library
    assert (f'href="{project_url}"' in library) == (persona in PROJECT_READERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_another_organisations_unshared_lesson_is_not_found(client, world, persona):
    """A lesson kept to Aarhus' project is 404 outside it (its existence is not told), and a
    withdrawn lesson is 404 for everyone, shared or not."""
    kept = factories.LessonFactory(project=world.other_project, visibility="project")
    withdrawn = factories.LessonFactory(
        project=world.other_project,
        visibility="portfolio",
        withdrawn_at=timezone.now(),
        withdrawn_by=world.users["outsider_coordinator"],
    )
    if persona != "anonymous":
        client.force_login(world.users[persona])
    kept_page = client.get(reverse("lesson_detail", args=[kept.pk]))
    withdrawn_page = client.get(reverse("lesson_detail", args=[withdrawn.pk]))
    if persona == "anonymous":
        assert (kept_page.status_code, withdrawn_page.status_code) == (302, 302)
        return
    assert kept_page.status_code == (200 if persona in OTHER_PROJECT_READERS else 404)
    assert withdrawn_page.status_code == 404
    assert client.get(reverse("lesson_detail", args=[kept.pk + 1000])).status_code == 404


# The lead organisation's operation decision and benefits: recorded by its coordinators and
# the agency's administrators, never by a participating organisation.
LEAD_DESTINATION = {
    "operation_decision": (
        lambda w: [w.project.pk, w.lead_organisation.pk],
        lambda w: payloads.operation_decision(),
    ),
    "indicator_edit": (
        lambda w: [w.project.pk, w.lead_indicator.pk],
        lambda w: payloads.benefit_indicator_edit(w.lead_indicator, title="Omdøbt"),
    ),
    "measurement_create": (
        lambda w: [w.project.pk, w.lead_indicator.pk],
        lambda w: payloads.measurement(),
    ),
    "measurement_edit": (
        lambda w: [w.project.pk, w.lead_measurement.pk],
        lambda w: payloads.measurement_edit(w.lead_measurement, value="650"),
    ),
}


@pytest.mark.parametrize("name", LEAD_DESTINATION)
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_lead_organisations_destination_is_not_the_participants(client, world, name, persona):
    args, data = LEAD_DESTINATION[name]
    get, post = CHANGE_GET[persona], CHANGE_POST[persona]
    if persona != "anonymous":
        client.force_login(world.users[persona])
    url = reverse(name, args=args(world))
    assert client.get(url).status_code == get
    before = database_snapshot()
    assert client.post(url, data(world)).status_code == post
    changed = post == 302 and persona != "anonymous"
    assert (database_snapshot() != before) == changed


@pytest.mark.parametrize("persona", ["participant_coordinator", "lead_coordinator"])
def test_an_indicator_is_recorded_only_for_an_organisation_the_user_records_for(
    client, world, persona
):
    """The participant's form does not offer the lead organisation; the lead's offers both."""
    client.force_login(world.users[persona])
    url = reverse("indicator_create", args=[world.project.pk])
    offered = set(client.get(url).context["form"].fields["organisation"].queryset)
    lead, participant = world.lead_organisation, world.participant_organisation
    before = database_snapshot()
    response = client.post(url, payloads.benefit_indicator(lead))
    if persona == "participant_coordinator":
        assert offered == {participant}
        assert response.status_code == 200
        assert "organisation" in response.context["form"].errors
        assert database_snapshot() == before
    else:
        assert offered == {lead, participant}
        assert response.status_code == 302


@pytest.mark.parametrize("persona", ["agency_admin", "lead_coordinator", "participant_coordinator"])
def test_an_organisation_not_on_the_project_has_no_operation_decision_there(client, world, persona):
    client.force_login(world.users[persona])
    url = reverse(
        "operation_decision", args=[world.project.pk, world.other_project.lead_organisation.pk]
    )
    assert client.get(url).status_code == 404
    before = database_snapshot()
    assert client.post(url, payloads.operation_decision()).status_code == 404
    assert database_snapshot() == before


@pytest.mark.parametrize(
    ("name", "record"),
    [
        ("indicator_edit", "indicator"),
        ("measurement_create", "indicator"),
        ("measurement_edit", "measurement"),
        ("spending_edit", "spending"),
        ("supplier_edit", "supplier_link"),
    ],
)
def test_a_destination_record_of_another_project_is_not_found_even_for_the_agency(
    client, world, name, record
):
    """The record is looked up under the project in the URL, whatever its id."""
    client.force_login(world.users["agency_admin"])
    url = reverse(name, args=[world.other_project.pk, getattr(world, record).pk])
    assert client.get(url).status_code == 404


def test_a_legal_question_of_another_project_is_not_found_even_for_the_agency(client, world):
    """The question is looked up under the project in the URL, whatever its id."""
    client.force_login(world.users["agency_admin"])
    url = reverse("legal_question_edit", args=[world.other_project.pk, world.legal_question.pk])
    assert client.get(url).status_code == 404
    before = database_snapshot()
    assert client.post(url, payloads.legal_answer(world.legal_question)).status_code == 404
    assert database_snapshot() == before


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_who_reads_legal_questions(client, world, persona):
    """A project's legal questions are read by those who read the project; an answer shared
    with the whole programme by every signed-in user, in the library."""
    factories.LegalQuestionFactory(
        project=world.project,
        question="Må data deles med leverandøren?",
        status="answered",
        answer="Ja, med en databehandleraftale.",
        answered_on=date(2023, 2, 1),
        shared=True,
    )
    factories.LegalQuestionFactory(
        project=world.project,
        question="Er modellen omfattet af forordningen?",
        status="answered",
        answer="Nej.",
        answered_on=date(2023, 2, 1),
    )
    readers = {persona for persona, code in READ.items() if code == 200}
    client.force_login(world.users[persona])
    library = client.get(reverse("legal_question_list")).content.decode()
    assert "Må data deles med leverandøren?" in library
    assert ("Er modellen omfattet af forordningen?" in library) == (persona in readers)
    assert (world.legal_question.question in library) == (persona in readers)
    # On the project's page of AI Act obligations and legal questions.
    page = client.get(reverse("project_rules", args=[world.project.pk]))
    if persona in readers:
        assert "Er modellen omfattet af forordningen?" in page.content.decode()
    else:
        assert page.status_code == 404
