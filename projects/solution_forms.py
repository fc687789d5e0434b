"""Forms and the list filter of the catalogue of reusable solutions. Choices are narrowed to
what the user may pick: the organisations they record for and the projects they may change."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from projects.access import SolutionAccess, projects_changeable_by, solution_owner_choices
from projects.forms import DateInput, OneTimeFormMixin, VersionedModelForm, _https_links
from projects.models import (
    Adoption,
    AdoptionStage,
    LessonLearned,
    Organisation,
    Solution,
    SolutionKind,
    SolutionMaturity,
)
from projects.models.solutions import COMMON_LICENCES


class SuggestionInput(forms.TextInput):
    """A text box offering common values (an HTML datalist) while any other may be typed."""

    def __init__(self, suggestions: list[str], attrs=None):
        super().__init__(attrs)
        self.suggestions = suggestions

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or name}-suggestions"
        attrs = {**(attrs or {}), "list": list_id}
        options = format_html_join(
            "", '<option value="{}"></option>', ((s,) for s in self.suggestions)
        )
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            list_id,
            options,
        )


class SolutionForm(VersionedModelForm):
    class Meta:
        model = Solution
        fields = [
            "title",
            "description",
            "kind",
            "maturity",
            "owner",
            "licence",
            "link",
            "publiccode_url",
            "maintenance",
            "maintenance_contact",
            "prerequisites",
            "running_cost_dkk",
            "projects",
            "lessons",
        ]
        formfield_callback = _https_links
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "prerequisites": forms.Textarea(attrs={"rows": 3}),
            "licence": SuggestionInput(COMMON_LICENCES),
            "projects": forms.CheckboxSelectMultiple,
            "lessons": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "maturity": _(
                "As publiccode.yml's development status: an idea, a pilot, in production in "
                "one or several organisations, or a maintained product."
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        owners = solution_owner_choices(user)
        self.fields["owner"].queryset = owners
        if not self.instance.pk and len(owners) == 1:
            self.fields["owner"].initial = owners[0].pk
        linkable = projects_changeable_by(user).active().order_by("title")
        self.fields["projects"].queryset = linkable
        self.fields["projects"].help_text = _(
            "Only projects you may change are offered; links to other projects stay as they are."
        )
        self.fields["lessons"].queryset = (
            LessonLearned.objects.filter(project__in=linkable.values("pk"))
            .select_related("project")
            .order_by("-learned_on", "pk")
        )
        self.fields["lessons"].label_from_instance = lambda lesson: (
            f"{lesson.title} ({lesson.project.title})"
        )
        self.fields["lessons"].help_text = _("Lessons of the projects you may change.")


class AdoptionForm(OneTimeFormMixin, forms.ModelForm):
    """Record that an organisation takes up a solution: interest, or a stage it has reached."""

    class Meta:
        model = Adoption
        fields = ["organisation", "stage", "stage_since", "contact_name", "contact_email", "note"]
        widgets = {"stage_since": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, access: SolutionAccess, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(pk__in=access.adopting_organisation_ids)
        field = self.fields["organisation"]
        field.queryset = organisations
        if len(access.adopting_organisation_ids) == 1:
            # The user's one organisation: shown, not chosen.
            self.initial["organisation"] = next(iter(access.adopting_organisation_ids))
            field.disabled = True
        self.fields["stage"].choices = [
            choice for choice in AdoptionStage.choices if choice[0] != AdoptionStage.STOPPED
        ]
        self.initial.setdefault("stage_since", timezone.localdate())
        _without_hidden_initial(self.fields["stage_since"])


def _without_hidden_initial(field) -> None:
    """For a model default that is a callable (today) Django also renders a hidden copy of
    the initial value with the field's aria-describedby, which HTML does not allow on a
    hidden input. Nothing here compares against the copy."""
    field.show_hidden_initial = False


class AdoptionStageForm(VersionedModelForm):
    """The next stage an adoption reached (or that it stopped, and why), with its date."""

    class Meta:
        model = Adoption
        fields = [
            "stage",
            "stage_since",
            "stop_reason",
            "stop_explanation",
            "contact_name",
            "contact_email",
            "note",
        ]
        widgets = {
            "stage_since": DateInput(),
            "stop_explanation": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "stage_since": _("The date the adoption reached the stage chosen above."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _without_hidden_initial(self.fields["stage_since"])


class SolutionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SolutionKind.choices)
    maturity = django_filters.ChoiceFilter(label=_("Maturity"), choices=SolutionMaturity.choices)
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner organisation"), queryset=Organisation.objects.none()
    )

    def __init__(self, data=None, queryset=None, *, request=None, owners=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        if owners is not None:
            self.filters["owner"].queryset = owners
            self.form.fields["owner"].queryset = owners

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(prerequisites__icontains=word)
                | Q(owner__name__icontains=word)
            )
        return queryset
