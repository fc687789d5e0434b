"""The public algorithm register: what a project tells the public about the algorithm it uses.

The fields follow the Dutch algorithm register's publication standard 1.0 (its field names are
the model's field names and the keys of a published snapshot), with a few optional extras from
the UK Algorithmic Transparency Recording Standard under their own names.

A `RegisterRecord` is the working copy, edited by the project's coordinators and moved through
draft → submitted → approved (or returned with a note) → published → withdrawn. Publishing
freezes the record into a `RegisterSnapshot`, which never changes afterwards (only its
withdrawal is recorded on it): the public reads snapshots, never the working copy.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel, VersionedModel
from .projects import Project
from .text import NOTE_MAX_LENGTH, LimitedTextField

# The publication standard's version and the language the records are written in
# (ISO 639-3), as a snapshot states them.
STANDARD_VERSION = "1.0.0"
RECORD_LANGUAGE = "dan"

# The standard's text lengths.
SHORT_TEXT_MAX_LENGTH = 2_500
TECHNICAL_TEXT_MAX_LENGTH = 5_000
LINK_MAX_LENGTH = 500
MAX_THEMES = 3

month_validator = RegexValidator(
    r"^\d{4}-(0[1-9]|1[0-2])$", _("Write the month as year and month, for example 2024-03.")
)


class RegisterTheme(models.TextChoices):
    """The policy areas of the standard's `category` (its permitted values, in this order)."""

    ORGANISATION = "organisation", _("Organisation and administration")
    CULTURE = "culture", _("Culture and leisure")
    ECONOMY = "economy", _("Economy")
    PUBLIC_FINANCE = "public_finance", _("Public finances")
    HOUSING = "housing", _("Housing")
    INTERNATIONAL = "international", _("International affairs")
    MIGRATION = "migration", _("Migration and integration")
    NATURE = "nature", _("Nature and environment")
    EDUCATION = "education", _("Education and research")
    PUBLIC_ORDER = "public_order", _("Public order and safety")
    LAW = "law", _("Law and justice")
    INFRASTRUCTURE = "infrastructure", _("Planning and infrastructure")
    SOCIAL_SECURITY = "social_security", _("Social security")
    TRAFFIC = "traffic", _("Traffic and transport")
    EMPLOYMENT = "employment", _("Employment")
    HEALTH = "health", _("Health and care")


class RegisterStatus(models.TextChoices):
    IN_DEVELOPMENT = "in_development", _("In development")
    IN_USE = "in_use", _("In use")
    OUT_OF_USE = "out_of_use", _("Out of use")


class PublicationCategory(models.TextChoices):
    HIGH_RISK = "high_risk_ai", _("High-risk AI system")
    IMPACTFUL = "impactful", _("Impactful algorithm")
    OTHER = "other", _("Other algorithm")


# The standard's own (Dutch) permitted values for the coded fields, for exports that must
# carry the standard's vocabulary rather than this application's codes.
STANDARD_VALUES = {
    "category": dict(
        zip(
            RegisterTheme.values,
            [
                "Organisatie en bedrijfsvoering",
                "Cultuur en recreatie",
                "Economie",
                "Overheidsfinanciën",
                "Wonen",
                "Internationaal",
                "Migratie en integratie",
                "Natuur en milieu",
                "Onderwijs en wetenschap",
                "Openbare orde en veiligheid",
                "Recht",
                "Ruimte en infrastructuur",
                "Sociale zekerheid",
                "Verkeer",
                "Werk",
                "Zorg en gezondheid",
            ],
            strict=True,
        )
    ),
    "status": {
        RegisterStatus.IN_DEVELOPMENT: "In ontwikkeling",
        RegisterStatus.IN_USE: "In gebruik",
        RegisterStatus.OUT_OF_USE: "Buiten gebruik",
    },
    "publication_category": {
        PublicationCategory.HIGH_RISK: "Hoog-risico AI-systeem",
        PublicationCategory.IMPACTFUL: "Impactvolle algoritmes",
        PublicationCategory.OTHER: "Overige algoritmes",
    },
}


class RegisterState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved, not yet published")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def editable_values(cls) -> list[str]:
        """States in which the record may be edited (every state but under review)."""
        return [value for value in cls.values if value != cls.SUBMITTED]

    @classmethod
    def publishable_values(cls) -> list[str]:
        """An approved record, or a withdrawn one unchanged since its approval."""
        return [cls.APPROVED, cls.WITHDRAWN]


# The link lists of the standard (`lawful_basis_grouping`, `impacttoetsen_grouping`,
# `source_data_grouping`): [{"title": …, "link": …}, …].
LINK_LIST_TITLE_MAX_LENGTH = {
    "lawful_basis_grouping": 100,
    "impacttoetsen_grouping": 500,
    "source_data_grouping": 500,
}


def _check_link(value: str) -> None:
    URLValidator(schemes=["https", "http"])(value)
    if len(value) > LINK_MAX_LENGTH:
        raise ValidationError(_("A link can have at most 500 characters."))


def validate_link_list(value, *, title_max_length: int = 100) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Give a list of titles with links."))
    for item in value:
        if not isinstance(item, dict) or set(item) != {"title", "link"}:
            raise ValidationError(_("Each entry needs a title and a link."))
        title, link = item["title"], item["link"]
        if not isinstance(title, str) or not title.strip():
            raise ValidationError(_("Each entry needs a title and a link."))
        if len(title) > title_max_length:
            raise ValidationError(
                _("A title can have at most %(limit)s characters.") % {"limit": title_max_length}
            )
        if not isinstance(link, str):
            raise ValidationError(_("Each entry needs a title and a link."))
        try:
            _check_link(link)
        except ValidationError as error:
            raise ValidationError(
                _("%(link)s is not a valid web address.") % {"link": link[:100]}
            ) from error


def validate_contact(value: str) -> None:
    """An e-mail address or a web address (https://) where the public can ask."""
    if value.startswith(("https://", "http://")):
        _check_link(value)
    else:
        EmailValidator(_("Give an e-mail address or a web address starting with https://."))(value)


def _user(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=verbose_name,
    )


class RegisterRecord(VersionedModel, TimeStampedModel):
    """A project's entry in the public algorithm register, as its organisation works on it."""

    project = models.OneToOneField(
        Project,
        on_delete=models.CASCADE,
        related_name="register_record",
        verbose_name=_("project"),
    )

    # The publication standard 1.0.
    name = models.CharField(
        _("name of the algorithm"),
        max_length=100,
        help_text=_("A name that says what the algorithm does, understandable to outsiders."),
    )
    description_short = LimitedTextField(
        _("short description"),
        max_length=350,
        help_text=_(
            "Two or three sentences in plain language: what the algorithm does and in which "
            "task it is used. Shown in the register's search results."
        ),
    )
    category = models.JSONField(
        _("themes"),
        default=list,
        blank=True,
        help_text=_("The policy areas the algorithm is used in (at most three)."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RegisterStatus.choices,
        default=RegisterStatus.IN_DEVELOPMENT,
        help_text=_("If the algorithm is both in development and in use, choose “In use”."),
    )
    begin_date = models.CharField(
        _("in use since"),
        max_length=7,
        blank=True,
        validators=[month_validator],
        help_text=_("The month the algorithm was taken into use, for example 2024-03."),
    )
    end_date = models.CharField(
        _("out of use since"),
        max_length=7,
        blank=True,
        validators=[month_validator],
        help_text=_("The month the algorithm was taken out of use. Empty while it is in use."),
    )
    contact_email = models.CharField(
        _("contact"),
        max_length=LINK_MAX_LENGTH,
        validators=[validate_contact],
        help_text=_(
            "An e-mail address or a web address (https://) where citizens and journalists can "
            "ask about the algorithm and its results."
        ),
    )
    website = models.URLField(
        _("public web page"),
        max_length=LINK_MAX_LENGTH,
        blank=True,
        help_text=_("The organisation's own page about the task the algorithm is used in."),
    )
    publication_category = models.CharField(
        _("publication category"),
        max_length=20,
        choices=PublicationCategory.choices,
        default=PublicationCategory.OTHER,
        help_text=_(
            "High-risk AI system (under the AI Act), impactful algorithm (it affects citizens "
            "or businesses), or other algorithm."
        ),
    )
    url = models.URLField(
        _("link to the organisation's own register"),
        max_length=LINK_MAX_LENGTH,
        blank=True,
        help_text=_("If the organisation keeps its own algorithm register, the entry there."),
    )
    goal = LimitedTextField(
        _("purpose and impact"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        help_text=_(
            "What the algorithm is meant to achieve, and how citizens and businesses come into "
            "contact with it when it works as intended."
        ),
    )
    proportionality = LimitedTextField(
        _("considerations"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        help_text=_(
            "The advantages and disadvantages of using the algorithm, the alternatives "
            "considered, and why its use is justified."
        ),
    )
    human_intervention = LimitedTextField(
        _("human intervention"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        help_text=_(
            "How people use, check and correct the algorithm's results — or that nobody does."
        ),
    )
    risks = LimitedTextField(
        _("risk management"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        help_text=_(
            "The risks you have identified (for example discrimination or errors) and how you "
            "handle them."
        ),
    )
    lawful_basis = LimitedTextField(
        _("legal basis"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        help_text=_("The law the task rests on, and what that law is for, in plain words."),
    )
    lawful_basis_grouping = models.JSONField(
        _("links to the legal basis"), default=list, blank=True
    )
    process_index_url = models.URLField(
        _("link to the record of processing"),
        max_length=LINK_MAX_LENGTH,
        blank=True,
        help_text=_(
            "The public part of the GDPR record of processing activities, if there is one."
        ),
    )
    impacttoetsen_grouping = models.JSONField(_("impact assessments"), default=list, blank=True)
    impacttoetsen = LimitedTextField(
        _("about the impact assessments"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        help_text=_("Why an impact assessment (such as a DPIA) was not needed or not made, if so."),
    )
    source_data = LimitedTextField(
        _("data"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        help_text=_(
            "The data the algorithm uses or was built with, and where it comes from; which "
            "kinds of personal data, if any."
        ),
    )
    source_data_grouping = models.JSONField(
        _("links to the data sources"), default=list, blank=True
    )
    methods_and_models = LimitedTextField(
        _("technical design"),
        max_length=TECHNICAL_TEXT_MAX_LENGTH,
        blank=True,
        help_text=_(
            "How the algorithm works: its input, method and output, and whether it learns by "
            "itself. This field may be technical."
        ),
    )
    developed_in_house = models.BooleanField(
        _("developed in-house"),
        default=False,
        help_text=_("The organisation built the algorithm itself, without an external supplier."),
    )
    provider = models.CharField(
        _("supplier"),
        max_length=200,
        blank=True,
        help_text=_("The external supplier of the algorithm, if any."),
    )
    publiccode = models.URLField(
        _("link to the source code"),
        max_length=LINK_MAX_LENGTH,
        blank=True,
        help_text=_("Only if the source code is public."),
    )
    tags = LimitedTextField(
        _("search terms"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
        help_text=_("Words people may search for, separated by commas."),
    )

    # Optional extras from the UK Algorithmic Transparency Recording Standard.
    senior_responsible_owner = models.CharField(
        _("senior responsible owner"),
        max_length=200,
        blank=True,
        help_text=_("The name and role of the person responsible for the algorithm's use."),
    )
    procurement_procedure_type = models.CharField(
        _("procurement route"),
        max_length=200,
        blank=True,
        help_text=_("How the supplier was contracted, for example an open tender or a framework."),
    )
    frequency_and_scale_of_usage = LimitedTextField(
        _("frequency and scale of use"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("How often the algorithm is used and for how many people or cases."),
    )
    appeals_and_review = LimitedTextField(
        _("complaints and appeals"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_(
            "How a citizen can complain about or appeal a decision the algorithm took part in."
        ),
    )

    # The workflow: who moved the record on, and when.
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=RegisterState.choices,
        default=RegisterState.DRAFT,
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = _user(_("submitted by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    approved_by = _user(_("approved by"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True, editable=False)
    returned_by = _user(_("returned by"))
    return_note = LimitedTextField(
        _("note to the project"), max_length=NOTE_MAX_LENGTH, blank=True, editable=False
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = _user(_("published by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawn_by = _user(_("withdrawn by"))
    # The snapshot the public reads; empty while none is published. A snapshot is deleted
    # only together with its record (when the project is deleted), so nothing is left
    # pointing at it (the database checks the reference at the end of the transaction).
    public_snapshot = models.OneToOneField(
        "RegisterSnapshot",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        editable=False,
        related_name="public_for",
        verbose_name=_("published version"),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("register record")
        verbose_name_plural = _("register records")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=RegisterState.values), name="register_record_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RegisterStatus.values), name="register_record_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(publication_category__in=PublicationCategory.values),
                name="register_record_publication_category_valid",
            ),
            # A published record always has a snapshot the public reads.
            models.CheckConstraint(
                condition=~Q(state=RegisterState.PUBLISHED) | Q(public_snapshot__isnull=False),
                name="register_record_published_with_snapshot",
            ),
            models.CheckConstraint(
                condition=~Q(state=RegisterState.WITHDRAWN) | Q(public_snapshot__isnull=True),
                name="register_record_withdrawn_not_public",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[RegisterState.APPROVED, RegisterState.PUBLISHED])
                | Q(approved_at__isnull=False),
                name="register_record_published_approved",
            ),
            models.CheckConstraint(
                condition=~Q(state=RegisterState.RETURNED) | ~Q(return_note=""),
                name="register_record_returned_with_note",
            ),
            models.CheckConstraint(
                condition=Q(begin_date="")
                | Q(end_date="")
                | Q(end_date__gte=models.F("begin_date")),
                name="register_record_end_not_before_begin",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    @property
    def is_editable(self) -> bool:
        return self.state in RegisterState.editable_values()

    @property
    def is_publishable(self) -> bool:
        return self.state in RegisterState.publishable_values() and self.approved_at is not None

    def clean(self):
        errors = {}
        themes = self.category
        if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
            errors["category"] = _("Choose the themes from the list.")
        else:
            if len(themes) > MAX_THEMES:
                errors["category"] = _("Choose at most three themes.")
            elif any(theme not in RegisterTheme.values for theme in themes):
                errors["category"] = _("Choose the themes from the list.")
            elif len(set(themes)) != len(themes):
                errors["category"] = _("Choose each theme once.")
        for name, limit in LINK_LIST_TITLE_MAX_LENGTH.items():
            try:
                validate_link_list(getattr(self, name), title_max_length=limit)
            except ValidationError as error:
                errors[name] = error.messages
        if self.begin_date and self.end_date and self.end_date < self.begin_date:
            errors["end_date"] = _("The algorithm cannot go out of use before it went into use.")
        if self.end_date and self.status != RegisterStatus.OUT_OF_USE:
            errors["end_date"] = _("Give an end month only for an algorithm that is out of use.")
        if self.developed_in_house and self.provider.strip():
            errors["provider"] = _(
                "An algorithm developed in-house has no external supplier: empty this field or "
                "untick “developed in-house”."
            )
        if self.state == RegisterState.PUBLISHED and self.public_snapshot_id is None:
            errors["state"] = _("A published record needs a published version.")
        if self.state == RegisterState.RETURNED and not self.return_note.strip():
            errors["return_note"] = _("Say what needs to change.")
        if (
            self.public_snapshot_id
            and self.pk
            and not RegisterSnapshot.objects.filter(
                pk=self.public_snapshot_id, record_id=self.pk, withdrawn_at__isnull=True
            ).exists()
        ):
            errors["public_snapshot"] = _("Only a current version of this record can be public.")
        if errors:
            raise ValidationError(errors)

    def snapshot_data(self, organisation_name: str) -> dict:
        """The record as the standard publishes it: keyed by the standard's field names, the
        UK extras under their own names, `organization` from the project's lead
        organisation."""
        return {
            "name": self.name,
            "organization": organisation_name,
            "description_short": self.description_short,
            "category": list(self.category),
            "status": self.status,
            "begin_date": self.begin_date,
            "end_date": self.end_date,
            "contact_email": self.contact_email,
            "website": self.website,
            "publication_category": self.publication_category,
            "url": self.url,
            "goal": self.goal,
            "proportionality": self.proportionality,
            "human_intervention": self.human_intervention,
            "risks": self.risks,
            "lawful_basis": self.lawful_basis,
            "lawful_basis_grouping": [dict(item) for item in self.lawful_basis_grouping],
            "process_index_url": self.process_index_url,
            "impacttoetsen_grouping": [dict(item) for item in self.impacttoetsen_grouping],
            "impacttoetsen": self.impacttoetsen,
            "source_data": self.source_data,
            "source_data_grouping": [dict(item) for item in self.source_data_grouping],
            "methods_and_models": self.methods_and_models,
            "provider": self.provider,
            "publiccode": self.publiccode,
            "lang": RECORD_LANGUAGE,
            "standard_version": STANDARD_VERSION,
            "source_id": str(self.pk),
            "tags": self.tags,
            "senior_responsible_owner": self.senior_responsible_owner,
            "external_supplier_involvement": not self.developed_in_house,
            "procurement_procedure_type": self.procurement_procedure_type,
            "frequency_and_scale_of_usage": self.frequency_and_scale_of_usage,
            "appeals_and_review": self.appeals_and_review,
        }


class SnapshotQuerySet(models.QuerySet):
    def delete(self):
        raise ValidationError(_("A published version of a register record is never deleted."))

    def update(self, **kwargs):
        if set(kwargs) - {"withdrawn_at", "withdrawn_by", "withdrawn_by_id"}:
            raise ValidationError(_("A published version of a register record cannot change."))
        return super().update(**kwargs)

    def current(self):
        return self.filter(withdrawn_at__isnull=True)


# The columns a snapshot keeps beside its data for filtering and search; set once, from the
# data, when it is created.
_SNAPSHOT_COLUMNS = (
    "record_id",
    "version",
    "data",
    "organisation_id",
    "name",
    "status",
    "publication_category",
    "themes",
    "search_text",
    "published_at",
    "published_by_id",
)


def themes_column(themes: list[str]) -> str:
    """The themes as one searchable column: ",health,employment," (a theme is matched by
    ",health,", on every database)."""
    return "," + ",".join(themes) + "," if themes else ""


class RegisterSnapshot(models.Model):
    """A published version of a register record: what the public reads. Never changed once
    stored, except to record its withdrawal; never deleted except with its project."""

    record = models.ForeignKey(
        RegisterRecord,
        on_delete=models.CASCADE,
        related_name="snapshots",
        verbose_name=_("register record"),
    )
    version = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("published content"))
    organisation = models.ForeignKey(
        "projects.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    # Copied from `data` when the version is published, for filters and search.
    name = models.CharField(_("name of the algorithm"), max_length=100)
    status = models.CharField(_("status"), max_length=20, choices=RegisterStatus.choices)
    publication_category = models.CharField(
        _("publication category"), max_length=20, choices=PublicationCategory.choices
    )
    themes = models.CharField(_("themes"), max_length=300, blank=True)
    search_text = models.TextField(_("search text"), blank=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["record_id", "-version"]
        verbose_name = _("published register version")
        verbose_name_plural = _("published register versions")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "version"], name="register_snapshot_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="register_snapshot_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="register_snapshot_withdrawn_with_actor",
            ),
        ]
        indexes = [
            models.Index(fields=["published_at"], name="register_snapshot_published"),
            models.Index(fields=["name", "id"], name="register_snapshot_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def save(self, *args, **kwargs):
        if self._state.adding:
            record = RegisterRecord.objects.filter(pk=self.record_id).first()
            if record is None or not record.is_publishable:
                raise ValidationError(_("Only an approved register record can be published."))
            self.fill_columns()
            return super().save(*args, **kwargs)
        # Only the withdrawal may be recorded, once; everything published stays as it was.
        stored = (
            RegisterSnapshot.objects.filter(pk=self.pk)
            .values(*_SNAPSHOT_COLUMNS, "withdrawn_at", "withdrawn_by_id")
            .first()
        )
        if stored is None or any(getattr(self, name) != stored[name] for name in _SNAPSHOT_COLUMNS):
            raise ValidationError(_("A published version of a register record cannot change."))
        if stored["withdrawn_at"] is not None and (
            self.withdrawn_at != stored["withdrawn_at"]
            or self.withdrawn_by_id != stored["withdrawn_by_id"]
        ):
            raise ValidationError(_("A withdrawal cannot be undone or changed."))
        kwargs["update_fields"] = ["withdrawn_at", "withdrawn_by"]
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A published version of a register record is never deleted."))

    def fill_columns(self) -> None:
        """Set the filter and search columns from `data`."""
        data = self.data or {}
        self.name = str(data.get("name", ""))[:100]
        self.status = data.get("status", "")
        self.publication_category = data.get("publication_category", "")
        self.themes = themes_column(list(data.get("category") or []))
        self.search_text = " ".join(
            str(data.get(key) or "")
            for key in ("name", "organization", "description_short", "goal", "tags", "provider")
        ).lower()

    def get_additional_data(self) -> dict:
        return {"register_record_id": self.record_id}

    def clean(self):
        if self._state.adding and self.record_id:
            record = RegisterRecord.objects.filter(pk=self.record_id).first()
            if record is None or not record.is_publishable:
                raise ValidationError(_("Only an approved register record can be published."))

    def localised(self, key: str):
        """A coded value of the snapshot with the label in the interface language."""
        value = self.data.get(key)
        if key == "category":
            return [RegisterTheme(v).label if v in RegisterTheme.values else v for v in value or []]
        choices = {"status": RegisterStatus, "publication_category": PublicationCategory}
        if key in choices and value in choices[key].values:
            return choices[key](value).label
        return value
