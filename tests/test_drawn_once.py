"""What the lists draw once and reuse (choice labels, filter forms, filter options): it follows
the active language, and nothing of one reader's choices stays for the next."""

import copy

import pytest
from django.test import RequestFactory
from django.utils import translation

from projects.filters import LessonFilter, ProjectFilter
from projects.fixed_choices import FixedChoices
from projects.models import LessonLearned, Organisation, PhaseKind, Project, TrafficLight
from projects.templatetags.sigprojects import choice_texts, filter_field
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_choice_label_follows_the_active_language():
    project = factories.ProjectFactory(current_phase=PhaseKind.IMPLEMENTATION)
    with translation.override("en"):
        assert project.get_current_phase_display() == "Implementation"
    with translation.override("da"):
        assert project.get_current_phase_display() == "Idriftsættelse"
    with translation.override("en"):
        assert project.get_current_phase_display() == "Implementation"


def test_a_value_outside_the_choices_is_shown_as_it_is():
    project = factories.ProjectFactory()
    project.current_status = "purple"
    assert project.get_current_status_display() == "purple"
    project.current_status = TrafficLight.RED
    with translation.override("en"):
        assert project.get_current_status_display() == "Red"


def _filter_for(user, organisations=None):
    request = RequestFactory().get("/projects/")
    request.user = user
    return ProjectFilter({}, Project.objects.all(), request=request, organisations=organisations)


def test_the_form_class_keeps_nothing_of_a_reader():
    mine = factories.OrganisationFactory(name="Egen Kommune")
    factories.ProjectFactory(lead_organisation=mine)
    user = factories.UserFactory()
    offered = _filter_for(user, Organisation.objects.filter(pk=mine.pk))
    assert list(offered.form.fields["lead_organisation"].queryset) == [mine]
    # The class every later reader's form is copied from offers no organisation at all.
    base = type(offered.form).base_fields["lead_organisation"]
    assert list(base.queryset) == []
    assert list(_filter_for(user).form.fields["lead_organisation"].queryset) == []


def test_fixed_choices_are_shared_by_copies_and_never_changed_in_place():
    choices = FixedChoices([("a", "A"), ("b", "B")])
    assert copy.deepcopy(choices) is choices
    assert copy.copy(choices) is choices
    with pytest.raises(TypeError):
        choices[0] = ("c", "C")  # type: ignore[index]


def test_filter_options_follow_the_active_language():
    user = factories.UserFactory()
    with translation.override("da"):
        field = _filter_for(user).form["reached"]
        danish = filter_field(field)
        assert ">Idriftsættelse</option>" in danish
    with translation.override("en"):
        field = _filter_for(user).form["reached"]
        english = filter_field(field)
        assert ">Implementation</option>" in english
        assert "Idriftsættelse" not in english


def test_other_choices_are_drawn_as_they_are():
    """A field offered other choices draws those, not what was drawn for the earlier ones."""
    request = RequestFactory().get("/lessons/")
    request.user = factories.UserFactory()
    lessons = LessonFilter({}, LessonLearned.objects.all(), request=request)
    field = lessons.form.fields["organisation"]
    field._choices = field.widget.choices = FixedChoices([("", "---"), ("1", "Aarhus <K>")])
    assert [label for _value, _escaped, label in choice_texts(field)] == ["---", "Aarhus &lt;K&gt;"]
    field._choices = field.widget.choices = FixedChoices([("", "---"), ("2", "Odder")])
    assert [label for _value, _escaped, label in choice_texts(field)] == ["---", "Odder"]


def test_the_chosen_option_is_marked():
    user = factories.UserFactory()
    request = RequestFactory().get("/projects/")
    request.user = user
    chosen = ProjectFilter(
        {"reached": "trial", "current_phase": ["development"]},
        Project.objects.all(),
        request=request,
    )
    with translation.override("en"):
        select = filter_field(chosen.form["reached"])
        boxes = filter_field(chosen.form["current_phase"])
    assert '<option value="trial" selected>Trial</option>' in select
    assert select.count(" selected") == 1
    assert 'value="development" id="id_current_phase_1" checked>' in boxes
    assert boxes.count(" checked") == 1
