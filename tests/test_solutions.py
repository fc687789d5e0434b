"""The catalogue of reusable solutions and their adoptions: the rules on every write path,
who reads and changes what, the owner's notice of new interest, the list's query count and
the dashboard's figures."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    Adoption,
    AdoptionStage,
    AdoptionStageChange,
    LessonVisibility,
    Role,
    Solution,
    SolutionKind,
    SolutionMaturity,
)
from projects.selectors.solutions import solution_figures
from projects.services import solutions as services
from tests import factories
from tests.helpers import count_queries
from tests.solution_factories import (
    AdoptionFactory,
    SolutionFactory,
    adoption_data,
    solution_data,
    solution_edit_data,
    stage_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def solution(norddjurs, project):
    return SolutionFactory(title="Smartmail", owner=norddjurs, projects=[project])


@pytest.fixture
def aarhus_coordinator(outsider):
    return outsider


# Rules on every path


def test_the_owner_cannot_adopt_its_own_solution_on_any_path(solution, norddjurs, coordinator):
    adoption = Adoption(solution=solution, organisation=norddjurs, contact_name="A")
    with pytest.raises(ValidationError) as form_path:
        adoption.full_clean()
    assert "organisation" in form_path.value.message_dict
    with pytest.raises(ValidationError):
        adoption.save()  # plain ORM save
    with pytest.raises(ValidationError):
        services.record_adoption(adoption=adoption, recorded_by=coordinator)
    assert not Adoption.objects.exists()


def test_an_adopter_cannot_become_the_owner(solution, syddjurs):
    AdoptionFactory(solution=solution, organisation=syddjurs)
    solution.owner = syddjurs
    with pytest.raises(ValidationError):
        solution.full_clean()
    with pytest.raises(ValidationError):
        solution.save()
    assert Solution.objects.get(pk=solution.pk).owner_id != syddjurs.pk


def test_a_stopped_adoption_needs_a_reason_on_every_path(solution, syddjurs):
    adoption = AdoptionFactory(solution=solution, organisation=syddjurs)
    adoption.stage = AdoptionStage.STOPPED
    with pytest.raises(ValidationError) as error:
        adoption.full_clean()
    assert {"stop_reason", "stop_explanation"} <= set(error.value.message_dict)
    with pytest.raises(IntegrityError), transaction.atomic():
        Adoption.objects.filter(pk=adoption.pk).update(stage=AdoptionStage.STOPPED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Adoption.objects.filter(pk=adoption.pk).update(
            stage=AdoptionStage.STOPPED, stop_reason="data", stop_explanation=""
        )
    Adoption.objects.filter(pk=adoption.pk).update(
        stage=AdoptionStage.STOPPED, stop_reason="data", stop_explanation="Ingen data."
    )


def test_one_open_adoption_per_solution_and_organisation(solution, syddjurs):
    first = AdoptionFactory(solution=solution, organisation=syddjurs)
    second = Adoption(solution=solution, organisation=syddjurs, contact_name="B")
    with pytest.raises(ValidationError):
        second.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        AdoptionFactory(solution=solution, organisation=syddjurs)
    # Once stopped, the organisation may start again.
    first.stage, first.stop_reason, first.stop_explanation = "stopped", "capacity", "Ingen tid."
    first.full_clean()
    first.save()
    again = AdoptionFactory(solution=solution, organisation=syddjurs)
    assert again.is_open


def test_a_stopped_adoption_stays_stopped(solution, syddjurs, participant):
    adoption = AdoptionFactory(
        solution=solution,
        organisation=syddjurs,
        stage="stopped",
        stop_reason="business_case",
        stop_explanation="For dyrt.",
    )
    adoption = Adoption.objects.get(pk=adoption.pk)
    adoption.stage = AdoptionStage.PILOTING
    with pytest.raises(ValidationError) as error:
        adoption.full_clean()
    assert "stage" in error.value.message_dict


def test_every_stage_reached_is_kept_with_its_date_whatever_the_path(solution, syddjurs):
    start = timezone.localdate() - timedelta(days=30)
    adoption = AdoptionFactory(solution=solution, organisation=syddjurs, stage_since=start)
    adoption = Adoption.objects.get(pk=adoption.pk)
    adoption.stage, adoption.stage_since = AdoptionStage.PILOTING, start + timedelta(days=10)
    adoption.save()  # a plain ORM save (the admin saves so too)
    adoption.note = "Kun en note"
    adoption.save()
    history = list(adoption.stage_changes.values_list("stage", "changed_on"))
    assert history == [("interested", start), ("piloting", start + timedelta(days=10))]


def test_a_stage_cannot_be_reached_before_the_previous_one(solution, syddjurs):
    today = timezone.localdate()
    adoption = AdoptionFactory(solution=solution, organisation=syddjurs, stage_since=today)
    adoption = Adoption.objects.get(pk=adoption.pk)
    adoption.stage, adoption.stage_since = "assessing", today - timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        adoption.full_clean()
    assert "stage_since" in error.value.message_dict


def test_running_cost_is_never_negative_in_the_database(solution):
    with pytest.raises(IntegrityError), transaction.atomic():
        Solution.objects.filter(pk=solution.pk).update(running_cost_dkk=-1)


# Pages and access


def test_a_coordinator_records_interest_and_advances_it_and_the_owner_is_told(
    client, solution, participant, coordinator, syddjurs
):
    client.force_login(participant)
    response = client.post(reverse("solution_adopt", args=[solution.pk]), adoption_data())
    assert response.status_code == 302
    adoption = Adoption.objects.get(solution=solution)
    assert (adoption.organisation, adoption.stage, adoption.recorded_by) == (
        syddjurs,
        "interested",
        participant,
    )
    response = client.post(
        reverse("adoption_stage", args=[solution.pk, adoption.pk]),
        stage_data(adoption, "piloting"),
    )
    assert response.status_code == 302
    adoption.refresh_from_db()
    assert adoption.stage == "piloting"
    assert list(adoption.stage_changes.values_list("stage", flat=True)) == [
        "interested",
        "piloting",
    ]

    # The owner's coordinator sees the new interest on their landing and the solution page.
    client.force_login(coordinator)
    landing = client.get(reverse("project_list")).content.decode()
    assert "Smartmail" in landing and reverse("solution_detail", args=[solution.pk]) in landing
    page = client.get(reverse("solution_detail", args=[solution.pk]))
    assert [a.pk for a in page.context["unseen"]] == [adoption.pk]
    client.post(reverse("adoption_seen", args=[solution.pk]))
    assert client.get(reverse("solution_detail", args=[solution.pk])).context["unseen"] == []
    assert "Smartmail" not in client.get(reverse("project_list")).content.decode()


def test_the_owner_is_not_offered_to_adopt_and_is_refused(client, solution, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("solution_detail", args=[solution.pk]))
    assert not page.context["may_adopt_more"]
    assert reverse("solution_adopt", args=[solution.pk]) not in page.content.decode()
    response = client.post(reverse("solution_adopt", args=[solution.pk]), adoption_data())
    assert response.status_code == 403
    assert not Adoption.objects.exists()


def test_stopping_without_a_reason_is_refused_with_the_input_kept(
    client, solution, participant, syddjurs
):
    adoption = AdoptionFactory(solution=solution, organisation=syddjurs)
    client.force_login(participant)
    url = reverse("adoption_stage", args=[solution.pk, adoption.pk])
    response = client.post(url, stage_data(adoption, "stopped", note="Vi stopper"))
    assert response.status_code == 200
    assert "stop_reason" in response.context["form"].errors
    assert Adoption.objects.get(pk=adoption.pk).stage == "interested"
    response = client.post(
        url,
        stage_data(
            adoption, "stopped", stop_reason="capacity", stop_explanation="Ingen ressourcer."
        ),
    )
    assert response.status_code == 302
    assert Adoption.objects.get(pk=adoption.pk).get_stop_reason_display()


def test_another_organisation_cannot_edit_the_solution(client, solution, outsider, viewer):
    for user in (outsider, viewer):
        client.force_login(user)
        url = reverse("solution_edit", args=[solution.pk])
        assert client.get(url).status_code == 403
        data = solution_edit_data(solution, title="Kapret")
        assert client.post(url, data).status_code == 403
    assert Solution.objects.get(pk=solution.pk).title == "Smartmail"


def test_a_stale_edit_is_refused_not_overwritten(client, solution, coordinator):
    client.force_login(coordinator)
    data = solution_edit_data(solution, title="Min titel")
    Solution.objects.get(pk=solution.pk).save()  # someone saved meanwhile
    response = client.post(reverse("solution_edit", args=[solution.pk]), data)
    assert response.status_code == 200
    assert response.context["conflict"]
    assert Solution.objects.get(pk=solution.pk).title == "Smartmail"


def test_a_coordinator_links_only_projects_their_organisation_leads(
    client, solution, coordinator, project, aarhus
):
    foreign = factories.ProjectFactory(title="Aarhus hemmelige projekt", lead_organisation=aarhus)
    client.force_login(coordinator)
    url = reverse("solution_edit", args=[solution.pk])
    offered = client.get(url).context["form"].fields["projects"].queryset
    assert foreign not in offered and project in offered
    response = client.post(url, solution_edit_data(solution, projects=[project.pk, foreign.pk]))
    assert response.status_code == 200
    assert list(solution.projects.all()) == [project]


def test_an_edit_keeps_the_links_the_editor_may_not_change(
    client, solution, coordinator, administrator, project, aarhus
):
    foreign = factories.ProjectFactory(lead_organisation=aarhus)
    solution.projects.add(foreign)  # linked by an agency administrator
    client.force_login(coordinator)
    data = solution_edit_data(solution, title="Smartmail 2", projects=[])
    assert client.post(reverse("solution_edit", args=[solution.pk]), data).status_code == 302
    assert set(solution.projects.all()) == {foreign}


def test_linked_projects_and_lessons_are_shown_only_to_their_readers(
    client, solution, project, aarhus, outsider, participant_viewer, administrator
):
    foreign = factories.ProjectFactory(title="Aarhus hemmelige projekt", lead_organisation=aarhus)
    kept = factories.LessonFactory(project=project, title="Intern erfaring")
    shared = factories.LessonFactory(
        project=project, title="Delt erfaring", visibility=LessonVisibility.PORTFOLIO
    )
    solution.projects.add(foreign)
    solution.lessons.add(kept, shared)
    url = reverse("solution_detail", args=[solution.pk])

    client.force_login(participant_viewer)  # reads the Norddjurs project, not Aarhus'
    page = client.get(url).content.decode()
    assert project.title in page and "Aarhus hemmelige projekt" not in page
    assert "Intern erfaring" in page and "Delt erfaring" in page

    client.force_login(outsider)  # reads the Aarhus project, not Norddjurs'
    page = client.get(url).content.decode()
    assert project.title not in page
    assert reverse("project_detail", args=[project.pk]) not in page
    assert "Aarhus hemmelige projekt" in page
    assert "Intern erfaring" not in page and "Delt erfaring" in page

    client.force_login(administrator)
    page = client.get(url).content.decode()
    assert project.title in page and "Aarhus hemmelige projekt" in page


def test_an_adoption_of_another_solution_is_not_found(client, solution, syddjurs, administrator):
    other = AdoptionFactory(organisation=syddjurs)
    client.force_login(administrator)
    url = reverse("adoption_stage", args=[solution.pk, other.pk])
    assert client.get(url).status_code == 404


def test_an_agency_administrator_records_for_any_organisation_but_the_owner(
    client, solution, administrator, norddjurs, aarhus
):
    client.force_login(administrator)
    url = reverse("solution_adopt", args=[solution.pk])
    offered = client.get(url).context["form"].fields["organisation"].queryset
    assert aarhus in offered and norddjurs not in offered
    response = client.post(url, adoption_data(norddjurs))
    assert response.status_code == 200 and not Adoption.objects.exists()
    assert client.post(url, adoption_data(aarhus)).status_code == 302
    assert Adoption.objects.get().organisation == aarhus


def test_a_coordinator_creates_a_solution_only_for_their_own_organisation(
    client, coordinator, norddjurs, aarhus, project
):
    client.force_login(coordinator)
    url = reverse("solution_create")
    response = client.post(url, solution_data(aarhus))
    assert response.status_code == 200 and not Solution.objects.exists()
    response = client.post(url, {**solution_data(norddjurs), "projects": [project.pk]})
    assert response.status_code == 302
    created = Solution.objects.get()
    assert (created.owner, created.running_cost_dkk, list(created.projects.all())) == (
        norddjurs,
        120_000,
        [project],
    )


def test_the_project_page_links_to_its_solutions(client, solution, project, viewer):
    client.force_login(viewer)
    # Beside the project's operation and benefits.
    page = client.get(reverse("project_operation", args=[project.pk])).content.decode()
    assert reverse("solution_detail", args=[solution.pk]) in page


def test_the_list_filters_by_kind_maturity_owner_and_text(client, viewer, norddjurs, aarhus):
    SolutionFactory(title="Flådestyring", owner=norddjurs, kind=SolutionKind.SOFTWARE)
    SolutionFactory(
        title="DPIA-skabelon",
        owner=aarhus,
        kind=SolutionKind.IMPACT_TEMPLATE,
        maturity=SolutionMaturity.PRODUCT,
        description="Konsekvensanalyse for AI",
    )
    client.force_login(viewer)

    def titles(**query):
        response = client.get(reverse("solution_list"), query)
        return [s.title for s in response.context["page"].object_list]

    assert titles() == ["DPIA-skabelon", "Flådestyring"]
    assert titles(kind="impact_template") == ["DPIA-skabelon"]
    assert titles(maturity="product") == ["DPIA-skabelon"]
    assert titles(owner=norddjurs.pk) == ["Flådestyring"]
    assert titles(q="konsekvensanalyse") == ["DPIA-skabelon"]


def _more_solutions(count: int, owner, adopters) -> None:
    for _ in range(count):
        solution = SolutionFactory(owner=owner)
        for organisation in adopters:
            AdoptionFactory(solution=solution, organisation=organisation)


@pytest.mark.parametrize("page", ["solution_list", "dashboard", "project_list"])
def test_queries_do_not_grow_with_the_catalogue(
    client, page, norddjurs, syddjurs, aarhus, administrator, coordinator
):
    client.force_login(coordinator if page == "project_list" else administrator)
    _more_solutions(2, norddjurs, [syddjurs, aarhus])
    small = count_queries(client, reverse(page))
    _more_solutions(12, norddjurs, [syddjurs, aarhus])
    assert count_queries(client, reverse(page)) == small


def test_the_solution_page_reads_in_a_fixed_number_of_queries(
    client, solution, viewer, syddjurs, aarhus, project
):
    client.force_login(viewer)
    AdoptionFactory(solution=solution, organisation=syddjurs)
    url = reverse("solution_detail", args=[solution.pk])
    small = count_queries(client, url)
    AdoptionFactory(solution=solution, organisation=aarhus)
    for _ in range(5):
        solution.lessons.add(factories.LessonFactory(project=project))
        solution.projects.add(factories.ProjectFactory(lead_organisation=project.lead_organisation))
    assert count_queries(client, url) == small


# The dashboard


def test_dashboard_figures_count_solutions_by_maturity_and_the_adoption_funnel(
    norddjurs, syddjurs, aarhus, client, administrator
):
    pilot = SolutionFactory(owner=norddjurs, maturity=SolutionMaturity.PILOT)
    SolutionFactory(owner=syddjurs, maturity=SolutionMaturity.PILOT)
    product = SolutionFactory(owner=syddjurs, maturity=SolutionMaturity.PRODUCT)
    day = date(2025, 1, 1)
    interested = AdoptionFactory(solution=pilot, organisation=syddjurs, stage_since=day)
    running = AdoptionFactory(solution=pilot, organisation=aarhus, stage_since=day)
    # Straight from interested to in operation: it reached assessing and piloting too.
    running = Adoption.objects.get(pk=running.pk)
    running.stage, running.stage_since = "in_operation", day + timedelta(days=40)
    running.save()
    stopped = AdoptionFactory(solution=product, organisation=norddjurs, stage_since=day)
    stopped = Adoption.objects.get(pk=stopped.pk)
    stopped.stage, stopped.stage_since = "assessing", day + timedelta(days=5)
    stopped.save()
    stopped.stage, stopped.stop_reason, stopped.stop_explanation = "stopped", "data", "Ingen data"
    stopped.save()
    assert interested.stage == "interested"

    figures = solution_figures()
    assert figures["total"] == 3
    assert {m.value: n for m, n in figures["maturity"]}["pilot"] == 2
    assert {m.value: n for m, n in figures["maturity"]}["product"] == 1
    assert [(s.value, n) for s, n in figures["funnel"]] == [
        ("interested", 3),
        ("assessing", 2),
        ("piloting", 1),
        ("in_operation", 1),
    ]
    assert figures["stopped"] == 1
    assert [(r.value, n) for r, n in figures["stop_reasons"]] == [("data", 1)]

    client.force_login(administrator)
    page = client.get(reverse("dashboard")).content.decode()
    assert "adoption-funnel" in page and "solution-maturity" in page


def test_the_dashboard_figures_take_one_query(django_assert_num_queries, solution):
    with django_assert_num_queries(1):
        solution_figures()


def test_stage_changes_are_recorded_by_the_admin_too(client, solution, syddjurs, superuser):
    adoption = AdoptionFactory(solution=solution, organisation=syddjurs)
    client.force_login(superuser)
    url = reverse("admin:projects_adoption_change", args=[adoption.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"recorded_by", "owner_seen_at"}
    }
    data.update(
        {
            "solution": solution.pk,
            "organisation": syddjurs.pk,
            "stage": "assessing",
            "stage_since": timezone.localdate().isoformat(),
            "opened_at_version": adoption.version,
            "stage_changes-TOTAL_FORMS": "1",
            "stage_changes-INITIAL_FORMS": "1",
            "stage_changes-MIN_NUM_FORMS": "0",
            "stage_changes-MAX_NUM_FORMS": "1000",
            "stage_changes-0-id": adoption.stage_changes.get().pk,
            "stage_changes-0-adoption": adoption.pk,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(AdoptionStageChange.objects.values_list("stage", flat=True)) == [
        "interested",
        "assessing",
    ]


@pytest.fixture
def superuser(agency):
    user = factories.MembershipFactory(organisation=agency, role=Role.ADMINISTRATOR).user
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_the_demo_catalogue_holds_real_solutions_once():
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", today=date(2025, 6, 1), stdout=StringIO())
    call_command("seed_demo", today=date(2025, 6, 1), stdout=StringIO())
    aktindsigt = Solution.objects.get(title="AI Aktindsigt")
    assert aktindsigt.owner.name == "Sønderborg Kommune"
    assert [p.title for p in aktindsigt.projects.all()] == ["AI Aktindsigt"]
    assert set(aktindsigt.adoptions.values_list("organisation__name", flat=True)) == {
        "Vejen Kommune",
        "Fredensborg Kommune",
    }
    assert Solution.objects.count() == 3
    assert Adoption.objects.filter(stage="stopped").get().stop_reason == "business_case"
