"""Forms of the public algorithm register: the record itself, grouped as the publication
standard groups it, and the agency's note when it returns a record."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.forms import VersionedModelForm, VersionField, _https_links
from projects.models import RegisterRecord, RegisterTheme
from projects.models.register import LINK_LIST_TITLE_MAX_LENGTH, validate_link_list
from projects.models.text import NOTE_MAX_LENGTH, LimitedTextFormField

# The form's sections: (legend, fields).
REGISTER_FORM_GROUPS = [
    (
        _("About the algorithm"),
        [
            "name",
            "description_short",
            "category",
            "status",
            "begin_date",
            "end_date",
            "publication_category",
        ],
    ),
    (_("Contact and links"), ["contact_email", "website", "url", "senior_responsible_owner"]),
    (
        _("Responsible use"),
        ["goal", "proportionality", "human_intervention", "risks", "appeals_and_review"],
    ),
    (
        _("Law and impact assessments"),
        [
            "lawful_basis",
            "lawful_basis_grouping",
            "process_index_url",
            "impacttoetsen_grouping",
            "impacttoetsen",
        ],
    ),
    (
        _("Data and technology"),
        [
            "source_data",
            "source_data_grouping",
            "methods_and_models",
            "developed_in_house",
            "provider",
            "procurement_procedure_type",
            "publiccode",
            "frequency_and_scale_of_usage",
            "tags",
        ],
    ),
]

LINK_LIST_HELP = _(
    "One per line: a title, a vertical bar and the web address, for example "
    "“Serviceloven § 83 | https://www.retsinformation.dk/eli/lta/2024/909”."
)


class LinkListField(forms.CharField):
    """A list of titles with links, typed one per line as "title | https://…"."""

    def __init__(self, *, title_max_length: int, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kwargs.setdefault("help_text", LINK_LIST_HELP)
        super().__init__(required=False, **kwargs)
        self.title_max_length = title_max_length

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{item['title']} | {item['link']}" for item in value)
        return value

    def to_python(self, value):
        items = []
        for number, line in enumerate((value or "").splitlines(), start=1):
            if not line.strip():
                continue
            title, bar, link = line.rpartition("|")
            if not bar or not title.strip() or not link.strip():
                raise ValidationError(
                    _("Line %(number)s needs a title, a vertical bar (|) and a web address.")
                    % {"number": number}
                )
            link = link.strip()
            if "://" not in link:
                link = f"https://{link}"
            items.append({"title": title.strip(), "link": link})
        return items

    def validate(self, value):
        validate_link_list(value, title_max_length=self.title_max_length)


class RegisterRecordForm(VersionedModelForm):
    category = forms.MultipleChoiceField(
        label=_("Themes"),
        choices=RegisterTheme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The policy areas the algorithm is used in (at most three)."),
    )

    class Meta:
        model = RegisterRecord
        fields = [name for _legend, names in REGISTER_FORM_GROUPS for name in names]
        formfield_callback = _https_links
        widgets = {
            "begin_date": forms.TextInput(attrs={"placeholder": "2024-03", "inputmode": "numeric"}),
            "end_date": forms.TextInput(attrs={"placeholder": "2025-12", "inputmode": "numeric"}),
            "contact_email": forms.TextInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, limit in LINK_LIST_TITLE_MAX_LENGTH.items():
            model_field = RegisterRecord._meta.get_field(name)
            self.fields[name] = LinkListField(
                title_max_length=limit,
                label=str(model_field.verbose_name).capitalize(),
                initial=getattr(self.instance, name),
            )
        for name in ("goal", "proportionality", "human_intervention", "risks", "lawful_basis"):
            self.fields[name].widget.attrs.setdefault("rows", 4)

    def clean_category(self):
        themes = self.cleaned_data["category"]
        if len(themes) > 3:
            raise ValidationError(_("Choose at most three themes."))
        # In the list's order, whatever order the browser sends them in.
        return [value for value in RegisterTheme.values if value in themes]

    def groups(self):
        """The form's fields by section, for the template."""
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in REGISTER_FORM_GROUPS
        ]


class ReturnRecordForm(forms.Form):
    version = VersionField()
    return_note = LimitedTextFormField(
        label=_("What needs to change"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The project's coordinators read this note when they edit the record."),
    )
