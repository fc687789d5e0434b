"""Django admin for data maintenance. Lists stay fast at 10,000 projects: related rows are
joined in the list query, foreign keys use autocomplete, and no full count is taken.

The admin keeps the same rules as the application: records are validated by their models,
edits of versioned records are refused when someone saved meanwhile, a project's phase,
outcome and status are derived (read-only here), withdrawn entries are shown and can be
restored, and only superusers delete, for records created by mistake (the change history
keeps the deletion)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from projects.models import (
    AIActRiskClass,
    AIActRole,
    AnnexIIIArea,
    ApiToken,
    Barrier,
    BenefitIndicator,
    BenefitMeasurement,
    Decision,
    FundingRound,
    LegalQuestion,
    LessonLearned,
    Membership,
    Obligation,
    OperationDecision,
    Organisation,
    Participation,
    Phase,
    Project,
    ProjectObligation,
    ProjectSupplier,
    ReviewNote,
    Role,
    Spending,
    StatusUpdate,
    SubmittedForm,
    Supplier,
)
from projects.numbers import DanishDecimalField, HoursField
from projects.services.records import ESCALATION_FIELDS
from projects.templatetags.sigprojects import decimal, dkk

User = get_user_model()


def amount_column(model, name: str):
    """A list column showing an amount field grouped the way the active language writes
    numbers, as the pages do: kroner as "67.000.000 kr." in Danish ("67,000,000 kr." in
    English), hours as "1.200". The admin's own column would show "67000000"."""
    field = model._meta.get_field(name)
    in_hours = isinstance(field, HoursField)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(self, obj):
        value = getattr(obj, name)
        if value is None:
            return None
        return number_format(value, force_grouping=True) if in_hours else dkk(value)

    return column


def decimal_column(model, name: str):
    """A list column showing a measured value grouped and without trailing zeros, as the
    pages do ("1.234,5" in Danish); the admin's own column would show "1234,50"."""
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(self, obj):
        value = getattr(obj, name)
        return None if value is None else decimal(value)

    return column


# Values with decimals are typed as on the site's forms: "1.234,5" (projects/numbers.py).
DANISH_DECIMALS = {models.DecimalField: {"form_class": DanishDecimalField}}


class FastListAdmin(admin.ModelAdmin):
    show_full_result_count = False
    list_per_page = 50
    # A link typed without a scheme is taken as https://, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}, **DANISH_DECIMALS}

    def has_delete_permission(self, request, obj=None):
        # Nothing is deleted in ordinary use; a superuser removes a record made by mistake.
        return request.user.is_superuser


def changed_fields(form, obj) -> list[str]:
    """The form's fields that the edit changed: those the user changed, and those the model's
    clean() changed in turn (an operation decision put into operation drops its reason)."""
    concrete = {field.name: field for field in obj._meta.concrete_fields}
    return [
        name
        for name in form.fields
        if name in concrete
        and (
            name in form.changed_data
            or concrete[name].value_from_object(obj) != form.initial.get(name)
        )
    ]


class ChangedFieldsOnlyMixin:
    """An admin edit saves the fields it changed, not the whole row as it was loaded: a
    status update or gate decision saved meanwhile keeps the fields it derived."""

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        changed = changed_fields(form, obj)
        if changed:
            obj.save(update_fields=[*changed, "updated_at"])


class ChangedFieldsOnlyFormSet(forms.BaseInlineFormSet):
    """The inline counterpart of ChangedFieldsOnlyMixin: an edited row saves only the fields
    changed in it (an indicator keeps the latest measurement written meanwhile)."""

    def save_existing(self, form, obj, commit=True):
        if not commit:
            return super().save_existing(form, obj, commit=False)
        changed = changed_fields(form, obj)
        if changed:
            obj.save(update_fields=[*changed, "updated_at"])
        return obj


class VersionCheckedForm(forms.ModelForm):
    """An admin edit carries the version it was opened at and is refused if the record was
    saved since (by a coordinator, a service or another administrator)."""

    opened_at_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_at_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            stored = (
                type(self.instance)
                ._base_manager.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if stored is not None and cleaned.get("opened_at_version") != stored:
                raise forms.ValidationError(
                    _(
                        "Someone else saved this record after you opened it. Nothing was "
                        "saved: open it again to see their change."
                    )
                )
        return cleaned


class WithdrawableAdmin(FastListAdmin):
    """Withdrawn entries are listed too, marked, and can be restored."""

    actions = ["restore_entries"]

    def get_queryset(self, request):
        return self.model.all_objects.get_queryset()

    @admin.display(boolean=True, description=_("withdrawn"))
    def is_withdrawn(self, obj):
        return obj.withdrawn_at is not None

    @admin.action(description=_("Restore the selected withdrawn entries"), permissions=["change"])
    def restore_entries(self, request, queryset):
        from projects.services import restore_entry

        restored = 0
        for entry in queryset.withdrawn():
            with transaction.atomic():
                restore_entry(entry=entry)
            restored += 1
        self.message_user(
            request,
            ngettext("%(count)d entry was restored.", "%(count)d entries were restored.", restored)
            % {"count": restored},
            messages.SUCCESS,
        )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(Organisation)
class OrganisationAdmin(FastListAdmin):
    list_display = ["name", "kind", "short_code", "cvr", "password_login_allowed", "active"]
    list_filter = ["kind", "active", "password_login_allowed"]
    search_fields = ["name", "short_code", "cvr"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(FastListAdmin):
    list_display = ["user", "organisation", "role", "updated_at"]
    list_filter = ["role", "organisation__kind"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


# Access is given by memberships (projects.access), not by Django's groups: their page is
# left out, and so are the group and permission fields of the user form.
admin.site.unregister(Group)
admin.site.unregister(User)


class UserMembershipInline(admin.StackedInline):
    """A user's organisations and roles, from which follows what the user may read and
    change. A user without one is offered an empty row, also when the user is added, so
    that a new user gets an organisation and a role in the same step. Stacked, so that the
    role is in view on a phone too."""

    model = Membership
    fields = [("organisation", "role")]
    autocomplete_fields = ["organisation"]

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None or not obj.memberships.exists() else 0


def keep_typed_passwords(form) -> None:
    """The passwords typed stay in their boxes when the form comes back with an error (in
    another field, or in the membership row), so they are not typed again. A form opened
    afresh has nothing to show, and a saved one is answered by a redirect."""
    for name in ("password1", "password2"):
        form.fields[name].widget.render_value = True


class UserAddForm(AdminUserCreationForm):
    """The new user's name and e-mail are given with the username and password."""

    class Meta(AdminUserCreationForm.Meta):
        fields = ("username", "first_name", "last_name", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_typed_passwords(self)


class AdminPasswordForm(AdminPasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_typed_passwords(self)


class MembershipListFilter(admin.SimpleListFilter):
    """Users by membership. The organisation and role filters are read together: a chosen
    organisation and role find the users with that role in that organisation, not members
    of it who have the role elsewhere."""

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        memberships = Membership.objects.filter(user=OuterRef("pk"))
        organisation = request.GET.get(UserOrganisationFilter.parameter_name)
        if organisation is not None:
            valid = organisation.isdecimal() and len(organisation) <= 19
            if not (valid and 0 < int(organisation) < 2**63):
                return queryset.none()
            memberships = memberships.filter(organisation_id=int(organisation))
        role = request.GET.get(UserRoleFilter.parameter_name)
        if role is not None:
            if role not in Role.values:
                return queryset.none()
            memberships = memberships.filter(role=role)
        return queryset.filter(Exists(memberships))


class UserOrganisationFilter(MembershipListFilter):
    title = _("organisation")
    parameter_name = "organisation"

    def lookups(self, request, model_admin):
        # Only organisations with members: the list stays short.
        return (
            Organisation.objects.filter(
                Exists(Membership.objects.filter(organisation=OuterRef("pk")))
            )
            .order_by("name")
            .values_list("pk", "name")
        )


class UserRoleFilter(MembershipListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices


@admin.register(User)
class SigprojectsUserAdmin(UserAdmin):
    """Users with their organisations and roles. The list reads every shown user's
    memberships in one query, however many users there are."""

    add_form = UserAddForm
    change_password_form = AdminPasswordForm
    # Organisations and roles first: a narrow screen scrolls the columns after them.
    list_display = [
        "username",
        "full_name",
        "organisations",
        "roles",
        "email",
        "is_staff",
        "is_active",
    ]
    list_filter = [UserOrganisationFilter, UserRoleFilter, "is_staff", "is_superuser", "is_active"]
    search_fields = [
        "username",
        "first_name",
        "last_name",
        "email",
        "memberships__organisation__name",
    ]
    filter_horizontal = []
    inlines = [UserMembershipInline]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (
            _("Permissions"),
            {
                "fields": ["is_active", "is_staff", "is_superuser"],
                "description": _(
                    "What the user may read and change in the application follows from the "
                    "memberships below. Staff status opens this administration; superuser "
                    "status gives every right in it."
                ),
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "usable_password", "password1", "password2"],
            },
        ),
        (_("Personal info"), {"classes": ["wide"], "fields": ["first_name", "last_name", "email"]}),
    ]

    def get_queryset(self, request):
        memberships = Membership.objects.select_related("organisation").order_by(
            "organisation__name"
        )
        return super().get_queryset(request).prefetch_related(Prefetch("memberships", memberships))

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, user):
        return user.get_full_name() or None

    @admin.display(description=_("organisations"))
    def organisations(self, user):
        return ", ".join(m.organisation.name for m in user.memberships.all()) or None

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(str(m.get_role_display()) for m in user.memberships.all()) or None


@admin.register(FundingRound)
class FundingRoundAdmin(FastListAdmin):
    list_display = ["name", "year", "pool"]
    search_fields = ["name"]

    pool = amount_column(FundingRound, "pool_dkk")


class PhaseInline(admin.StackedInline):
    model = Phase
    form = VersionCheckedForm
    extra = 0
    fields = [
        ("kind", "started_on", "planned_end_on", "ended_on"),
        ("gate_decision", "decided_on", "decided_by"),
        "rationale",
        "conditions",
        "opened_at_version",
    ]


class ParticipationFormSet(forms.BaseInlineFormSet):
    """An organisation that has recorded an operation decision or benefits on the project
    stays on it (as the project form says too)."""

    def clean(self):
        super().clean()
        leaving = [
            form.instance.organisation
            for form in self.deleted_forms
            if form.instance.pk
            and (
                OperationDecision.objects.filter(
                    project=self.instance, organisation=form.instance.organisation_id
                ).exists()
                or BenefitIndicator.objects.filter(
                    project=self.instance, organisation=form.instance.organisation_id
                ).exists()
            )
        ]
        if leaving:
            raise forms.ValidationError(
                _(
                    "%(names)s has recorded an operation decision or benefits on the "
                    "project and stays on it."
                )
                % {"names": ", ".join(str(o) for o in leaving)}
            )


class ParticipationInline(admin.TabularInline):
    model = Participation
    formset = ParticipationFormSet
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "kind"]

    def get_readonly_fields(self, request, obj=None):
        # An existing row's organisation is not swapped for another (its decision would
        # stay behind); add the new organisation as a row of its own.
        return ["organisation"] if obj is not None else []


class SuperuserDeletesInline:
    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class OperationDecisionInline(SuperuserDeletesInline, admin.StackedInline):
    model = OperationDecision
    form = VersionCheckedForm
    formset = ChangedFieldsOnlyFormSet
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = [
        ("organisation", "decision", "decided_on", "decided_by"),
        ("reason_category", "reason"),
        ("expected_hours_per_year", "expected_dkk_per_year"),
        "opened_at_version",
    ]


class BenefitIndicatorInline(SuperuserDeletesInline, admin.TabularInline):
    """The indicators at a glance; their measurements are kept on the indicator's page."""

    model = BenefitIndicator
    form = VersionCheckedForm
    formset = ChangedFieldsOnlyFormSet
    formfield_overrides = DANISH_DECIMALS
    extra = 0
    show_change_link = True
    autocomplete_fields = ["organisation"]
    fields = [
        "organisation",
        "kind",
        "title",
        "baseline_value",
        "baseline_on",
        "target_value",
        "target_on",
        "owner",
        "latest_value",
        "latest_on",
        "opened_at_version",
    ]
    readonly_fields = ["latest_value", "latest_on"]


class SpendingInline(SuperuserDeletesInline, admin.TabularInline):
    model = Spending
    form = VersionCheckedForm
    formset = ChangedFieldsOnlyFormSet
    extra = 0
    fields = [
        "year",
        "external_hours",
        "external_dkk",
        "internal_hours",
        "internal_dkk",
        "competence_built",
        "competence_roles",
        "opened_at_version",
    ]


class ProjectSupplierInline(SuperuserDeletesInline, admin.TabularInline):
    model = ProjectSupplier
    form = VersionCheckedForm
    extra = 0
    autocomplete_fields = ["supplier"]
    fields = ["supplier", "role", "note", "opened_at_version"]


@admin.register(Project)
class ProjectAdmin(ChangedFieldsOnlyMixin, FastListAdmin):
    form = VersionCheckedForm
    list_display = [
        "title",
        "lead_organisation",
        "funding_round",
        "area",
        "current_phase",
        "current_status",
        "outcome",
        "last_status_on",
        "archived",
    ]
    list_filter = [
        "current_phase",
        "outcome",
        "current_status",
        "area",
        "funding_round",
        "archived",
        "lead_organisation__kind",
        "ai_act_risk_class",
        "dpia_status",
    ]
    list_select_related = ["lead_organisation", "funding_round"]
    search_fields = ["title", "lead_organisation__name"]
    autocomplete_fields = ["lead_organisation", "funding_round"]
    readonly_fields = [
        "current_phase",
        "current_status",
        "last_status_on",
        "help_requested",
        "outcome",
        "realisation_percent",
        "consultant_share",
        "created_at",
        "updated_at",
    ]
    inlines = [
        ParticipationInline,
        PhaseInline,
        OperationDecisionInline,
        BenefitIndicatorInline,
        SpendingInline,
        ProjectSupplierInline,
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "summary",
                    "lead_organisation",
                    "funding_round",
                    "area",
                    "ai_technique",
                    "archived",
                ]
            },
        ),
        (
            _("Money and people"),
            {
                "fields": [
                    "grant_dkk",
                    "total_budget_dkk",
                    "project_owner",
                    "contact_name",
                    "contact_email",
                    "start_date",
                    "planned_end_date",
                ]
            },
        ),
        (
            _("Progress"),
            {
                "fields": [
                    "current_phase",
                    "current_status",
                    "last_status_on",
                    "help_requested",
                    "outcome",
                    "closing_reason",
                    "outcome_note",
                ]
            },
        ),
        (
            _("Legal and risk profile"),
            {
                "fields": [
                    "personal_data",
                    "legal_basis",
                    "dpia_status",
                    ("dpia_completed_on", "dpia_approved_by"),
                    "dpia_link",
                    "ai_act_risk_class",
                    "ai_act_role",
                    "annex_iii_area",
                    "medical_device",
                ]
            },
        ),
        (
            _("Benefits"),
            {
                "fields": [
                    "realisation_percent",
                    "consultant_share",
                    "benefits_note",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at", "opened_at_version"]}),
    ]


class ProjectLogAdmin(FastListAdmin):
    """Shared setup for the records that hang off a project."""

    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    search_fields = ["project__title"]


@admin.register(Phase)
class PhaseAdmin(ChangedFieldsOnlyMixin, ProjectLogAdmin):
    form = VersionCheckedForm
    list_display = ["project", "kind", "started_on", "ended_on", "gate_decision", "decided_on"]
    list_filter = ["kind", "gate_decision"]
    search_fields = ["project__title", "decided_by"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(WithdrawableAdmin, ProjectLogAdmin):
    list_display = [
        "project",
        "reported_on",
        "overall_status",
        "schedule_status",
        "budget_status",
        "benefits_status",
        "help_needed",
        "author",
        "is_withdrawn",
    ]
    list_filter = ["overall_status", "help_needed"]
    list_select_related = ["project", "author"]
    autocomplete_fields = ["project", "author"]


@admin.register(Barrier)
class BarrierAdmin(ChangedFieldsOnlyMixin, WithdrawableAdmin, ProjectLogAdmin):
    form = VersionCheckedForm
    list_display = [
        "title",
        "project",
        "category",
        "severity",
        "status",
        "phase",
        "identified_on",
        "escalated",
        "is_withdrawn",
    ]
    list_filter = ["category", "status", "severity", "phase", "escalated"]
    search_fields = ["title", "project__title"]
    autocomplete_fields = ["project", "author"]

    def save_model(self, request, obj, form, change):
        """Escalating in the admin is done by the administrator who ticks it; taking an
        escalation back clears who asked (the model's clean() clears the request and date)."""
        if "escalated" in form.changed_data:
            obj.escalated_by = request.user if obj.escalated else None
            if change:
                changed = {*changed_fields(form, obj), *ESCALATION_FIELDS, "updated_at"}
                obj.save(update_fields=sorted(changed))
                return
        super().save_model(request, obj, form, change)


class DecisionAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("project") is not None and cleaned.get("barriers") is not None:
            self.instance.project = cleaned["project"]
            self.instance.check_barriers(cleaned["barriers"])
        return cleaned


@admin.register(Decision)
class DecisionAdmin(WithdrawableAdmin, ProjectLogAdmin):
    form = DecisionAdminForm
    list_display = ["title", "project", "kind", "decided_on", "decided_by", "is_withdrawn"]
    list_filter = ["kind"]
    search_fields = ["title", "project__title", "decided_by"]
    autocomplete_fields = ["project", "barriers", "author"]


@admin.register(LessonLearned)
class LessonLearnedAdmin(WithdrawableAdmin, ProjectLogAdmin):
    list_display = [
        "title",
        "project",
        "category",
        "phase",
        "visibility",
        "learned_on",
        "is_withdrawn",
    ]
    list_filter = ["category", "phase", "visibility"]
    search_fields = ["title", "project__title"]
    autocomplete_fields = ["project", "barrier", "author"]


@admin.register(ReviewNote)
class ReviewNoteAdmin(ChangedFieldsOnlyMixin, ProjectLogAdmin):
    form = VersionCheckedForm
    list_display = [
        "__str__",
        "project",
        "kind",
        "author",
        "created_at",
        "answered_at",
        "closed_at",
    ]
    list_filter = ["kind"]
    list_select_related = ["project", "author"]
    autocomplete_fields = ["project", "author", "answered_by", "closed_by"]


class StaysOnItsProjectMixin:
    """A record stays on the project it was made for: moving it would leave the first
    project's derived outcome and figures behind."""

    fixed_after_adding = ["project"]

    def get_readonly_fields(self, request, obj=None):
        fixed = self.fixed_after_adding if obj is not None else []
        return [*fixed, *super().get_readonly_fields(request, obj)]


class DestinationAdmin(StaysOnItsProjectMixin, ChangedFieldsOnlyMixin, ProjectLogAdmin):
    """Shared setup for what a project ends up with: versioned records, checked when saved."""

    form = VersionCheckedForm


@admin.register(OperationDecision)
class OperationDecisionAdmin(DestinationAdmin):
    list_display = [
        "project",
        "organisation",
        "decision",
        "decided_on",
        "reason_category",
        "decided_by",
        "author",
    ]
    list_filter = ["decision", "reason_category", "organisation__kind"]
    list_select_related = ["project", "organisation", "author"]
    search_fields = ["project__title", "organisation__name", "decided_by", "reason"]
    autocomplete_fields = ["project", "organisation"]
    readonly_fields = ["author", "created_at", "updated_at"]
    fields = [
        "project",
        "organisation",
        ("decision", "decided_on", "decided_by"),
        ("reason_category", "reason"),
        ("expected_hours_per_year", "expected_dkk_per_year"),
        "author",
        ("created_at", "updated_at"),
        "opened_at_version",
    ]

    def save_model(self, request, obj, form, change):
        # Whoever recorded the decision as it now stands.
        obj.author = request.user
        if not change:
            return super().save_model(request, obj, form, change)
        changed = changed_fields(form, obj)
        if changed:
            obj.save(update_fields=[*changed, "author", "updated_at"])


class BenefitMeasurementInline(SuperuserDeletesInline, admin.TabularInline):
    model = BenefitMeasurement
    form = VersionCheckedForm
    formfield_overrides = DANISH_DECIMALS
    extra = 0
    fields = ["measured_on", "value", "method", "evidence", "entered_by", "opened_at_version"]
    readonly_fields = ["entered_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator", "entered_by")


@admin.register(BenefitIndicator)
class BenefitIndicatorAdmin(DestinationAdmin):
    list_display = [
        "title",
        "project",
        "organisation",
        "kind",
        "baseline",
        "target",
        "latest",
        "latest_on",
        "realised",
    ]
    list_filter = ["kind", "frequency", "organisation__kind"]
    list_select_related = ["project", "organisation"]
    search_fields = ["title", "project__title", "organisation__name", "owner"]
    autocomplete_fields = ["project", "organisation"]
    readonly_fields = ["latest_value", "latest_on", "realised", "created_at", "updated_at"]
    fields = [
        "project",
        "organisation",
        ("kind", "unit", "frequency"),
        "title",
        ("baseline_value", "baseline_on"),
        "baseline_method",
        ("target_value", "target_on"),
        "owner",
        ("latest_value", "latest_on", "realised"),
        ("created_at", "updated_at"),
        "opened_at_version",
    ]
    inlines = [BenefitMeasurementInline]

    baseline = decimal_column(BenefitIndicator, "baseline_value")
    target = decimal_column(BenefitIndicator, "target_value")
    latest = decimal_column(BenefitIndicator, "latest_value")

    @admin.display(description=_("realised"))
    def realised(self, obj):
        realisation = obj.realisation
        if realisation.percent is None:
            return realisation.label
        return f"{number_format(realisation.percent, 1)} % ({realisation.label})"

    def save_formset(self, request, form, formset, change):
        for new in formset.extra_forms:
            new.instance.entered_by = request.user
        super().save_formset(request, form, formset, change)


@admin.register(BenefitMeasurement)
class BenefitMeasurementAdmin(DestinationAdmin):
    list_display = ["indicator", "project", "measured_on", "measured_value", "entered_by"]
    list_filter = ["indicator__kind"]
    list_select_related = ["indicator", "project", "entered_by"]
    search_fields = ["indicator__title", "project__title", "method", "evidence"]
    autocomplete_fields = ["indicator"]
    # The project follows the indicator; a measurement stays on the indicator it was made for.
    fixed_after_adding = ["indicator"]
    readonly_fields = ["project", "entered_by", "created_at", "updated_at"]
    measured_value = decimal_column(BenefitMeasurement, "value")
    fields = [
        "indicator",
        "project",
        ("measured_on", "value"),
        "method",
        "evidence",
        "entered_by",
        ("created_at", "updated_at"),
        "opened_at_version",
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Spending)
class SpendingAdmin(DestinationAdmin):
    list_display = [
        "project",
        "year",
        "external_hour_count",
        "external",
        "internal_hour_count",
        "internal",
        "share",
        "competence_built",
    ]
    list_filter = ["year", "competence_built"]
    search_fields = ["project__title", "competence_roles"]
    readonly_fields = ["share", "created_at", "updated_at"]
    fields = [
        ("project", "year"),
        ("external_hours", "external_dkk"),
        ("internal_hours", "internal_dkk"),
        "share",
        ("competence_built", "competence_roles"),
        "note",
        ("created_at", "updated_at"),
        "opened_at_version",
    ]

    external_hour_count = amount_column(Spending, "external_hours")
    external = amount_column(Spending, "external_dkk")
    internal_hour_count = amount_column(Spending, "internal_hours")
    internal = amount_column(Spending, "internal_dkk")

    @admin.display(description=_("external consultants' share (%)"))
    def share(self, obj):
        share = obj.external_share
        return None if share is None else number_format(share, 1)


@admin.register(Participation)
class ParticipationAdmin(StaysOnItsProjectMixin, ProjectLogAdmin):
    fixed_after_adding = ["project", "organisation"]
    list_display = ["organisation", "project", "kind", "created_at"]
    list_filter = ["kind", "organisation__kind"]
    list_select_related = ["project", "organisation"]
    search_fields = ["organisation__name", "project__title"]
    autocomplete_fields = ["project", "organisation"]


@admin.register(Supplier)
class SupplierAdmin(FastListAdmin):
    list_display = ["name", "cvr", "updated_at"]
    search_fields = ["name", "cvr"]


@admin.register(ProjectSupplier)
class ProjectSupplierAdmin(DestinationAdmin):
    list_display = ["supplier", "project", "role", "note"]
    list_filter = ["role"]
    list_select_related = ["project", "supplier"]
    search_fields = ["supplier__name", "supplier__cvr", "project__title", "note"]
    autocomplete_fields = ["project", "supplier"]


# Compliance: the AI Act obligation catalogue, the obligations projects have by it, and the
# legal questions projects put.


def _rule_choices(choices) -> list[tuple[str, str]]:
    """The values a rule list may hold: the choices without the blank one."""
    return [(value, label) for value, label in choices.choices if value]


class ObligationForm(forms.ModelForm):
    """The rule lists are kept as JSON; here they are ticked among the allowed values. The
    model's clean() refuses any other value, whichever way it comes in."""

    source_url = forms.URLField(
        label=Obligation._meta.get_field("source_url").verbose_name,
        max_length=300,
        required=False,
        assume_scheme="https",
    )
    risk_classes = forms.MultipleChoiceField(
        label=_("risk classes"),
        choices=_rule_choices(AIActRiskClass),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The AI Act risk classes it applies to; none ticked for every class."),
    )
    roles = forms.MultipleChoiceField(
        label=_("roles"),
        choices=_rule_choices(AIActRole),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Provider and/or deployer; none ticked for either."),
    )
    excluded_annex_iii_areas = forms.MultipleChoiceField(
        label=_("excluded Annex III areas"),
        choices=_rule_choices(AnnexIIIArea),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Systems in these areas of Annex III do not have the obligation."),
    )

    class Meta:
        model = Obligation
        fields = [
            "code",
            "article",
            "title_da",
            "title_en",
            "source_url",
            "risk_classes",
            "roles",
            "public_bodies_only",
            "annex_iii_only",
            "excluded_annex_iii_areas",
            "applies_from",
            "phase",
            "catalogue_version",
        ]
        help_texts = {
            "applies_from": _(
                "The date from which the obligation applies. Saving gives every project that "
                "has it its new due date: the earlier of this date and its planned go-live."
            ),
            "catalogue_version": _(
                "The version of the catalogue file the entry came from. Loading a file with a "
                "higher version replaces the entry; a file with this version or a lower one "
                "leaves it alone."
            ),
        }


@admin.register(Obligation)
class ObligationAdmin(FastListAdmin):
    """The catalogue, kept by the agency's administrators. Saving an entry applies it to every
    project at once (see projects.apps): new obligations appear, due dates move, and those
    that no longer apply are superseded."""

    form = ObligationForm
    list_display = [
        "article",
        "code",
        "title_da",
        "rule",
        "public_bodies_only",
        "annex_iii_only",
        "applies_from",
        "phase",
        "catalogue_version",
    ]
    list_display_links = ["article", "code"]
    list_filter = ["phase", "public_bodies_only", "annex_iii_only", "catalogue_version"]
    search_fields = ["code", "article", "title_da", "title_en"]
    readonly_fields = ["created_at", "updated_at"]
    fields = [
        ("code", "article"),
        "title_da",
        "title_en",
        "source_url",
        "risk_classes",
        "roles",
        ("public_bodies_only", "annex_iii_only"),
        "excluded_annex_iii_areas",
        ("applies_from", "phase"),
        "catalogue_version",
        ("created_at", "updated_at"),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The code matches the entry to the catalogue file; it stays once the entry exists.
        fixed = ["code"] if obj is not None else []
        return [*fixed, *super().get_readonly_fields(request, obj)]

    @admin.display(description=_("applies to"))
    def rule(self, obj):
        classes = dict(AIActRiskClass.choices)
        roles = dict(AIActRole.choices)
        parts = [
            ", ".join(str(classes.get(v, v)) for v in obj.risk_classes) or _("every risk class"),
            ", ".join(str(roles.get(v, v)) for v in obj.roles) or _("provider or deployer"),
        ]
        return "; ".join(str(part) for part in parts)


class CurrentOrSupersededFilter(admin.SimpleListFilter):
    title = _("superseded")
    parameter_name = "superseded"

    def lookups(self, request, model_admin):
        return [("no", _("Current")), ("yes", _("Superseded"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(superseded_on__isnull=True)
        if self.value() == "yes":
            return queryset.filter(superseded_on__isnull=False)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset


@admin.register(ProjectObligation)
class ProjectObligationAdmin(DestinationAdmin):
    """A project's obligations follow from its profile and the catalogue: they are not added
    by hand, their due date is derived and they are superseded (never deleted) when the
    profile no longer implies them."""

    list_display = [
        "project",
        "obligation",
        "status",
        "due_on",
        "overdue",
        "owner",
        "completed_on",
        "superseded_on",
    ]
    list_filter = [
        "status",
        OverdueFilter,
        CurrentOrSupersededFilter,
        "obligation__phase",
        "project__ai_act_risk_class",
        "project__lead_organisation__kind",
    ]
    list_select_related = ["project", "obligation"]
    search_fields = ["project__title", "obligation__code", "obligation__article", "owner"]
    autocomplete_fields = ["project", "obligation"]
    fixed_after_adding = ["project", "obligation"]
    readonly_fields = ["due_on", "superseded_on", "created_at", "updated_at"]
    fields = [
        "project",
        "obligation",
        ("status", "due_on", "superseded_on"),
        "not_applicable_reason",
        ("owner", "completed_on", "approved_by"),
        "evidence",
        ("created_at", "updated_at"),
        "opened_at_version",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(boolean=True, description=_("overdue"))
    def overdue(self, obj):
        return obj.is_overdue


@admin.register(LegalQuestion)
class LegalQuestionAdmin(DestinationAdmin):
    list_display = [
        "__str__",
        "project",
        "legal_area",
        "asked_to",
        "status",
        "asked_on",
        "answered_on",
        "shared",
    ]
    list_filter = ["status", "legal_area", "asked_to", "shared"]
    list_select_related = ["project"]
    search_fields = ["question", "answer", "answer_source", "project__title"]
    autocomplete_fields = ["project", "barrier"]
    readonly_fields = ["author", "created_at", "updated_at"]
    fields = [
        "project",
        "barrier",
        "question",
        ("legal_area", "asked_to", "asked_on"),
        "status",
        "answer",
        ("answered_on", "answer_source"),
        "shared",
        "author",
        ("created_at", "updated_at"),
        "opened_at_version",
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(SubmittedForm)
class SubmittedFormAdmin(FastListAdmin):
    """Which create forms have been saved: read-only, for answering "was it saved?"."""

    list_display = ["created_at", "user", "saved_url"]
    list_select_related = ["user"]
    search_fields = ["user__username", "saved_url"]
    readonly_fields = ["token", "user", "saved_url", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(FastListAdmin):
    """Tokens are created by their holders on the API tokens page (the secret is shown to them
    once); here they are found and revoked. Only the hash of the secret is stored."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username", "user__first_name", "user__last_name"]
    fields = ["user", "name", "prefix", "secret_hash", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "secret_hash", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke_tokens"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke_tokens(self, request, queryset):
        from projects.services.api_tokens import revoke_api_token

        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_api_token(token=token)
            revoked += 1
        self.message_user(
            request,
            _("Tokens revoked: %(count)d.") % {"count": revoked},
            messages.SUCCESS,
        )


# The admin of sign-in identities, invitations, e-mail notifications, the catalogue of reusable
# solutions and the public algorithm register lives in modules of their own, registered here.
from projects import (  # noqa: E402, F401
    admin_identity,
    admin_invitations,
    admin_notifications,
    admin_register,
    admin_solutions,
)
