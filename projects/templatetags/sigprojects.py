import operator
from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.forms import ChoiceField, ModelChoiceField, MultipleChoiceField
from django.http import QueryDict
from django.template.defaultfilters import linebreaksbr, urlizetrunc
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from projects.fixed_choices import FixedChoices
from projects.numbers import trimmed

register = template.Library()

# Shape as well as colour, so that status is never told by colour alone.
_LIGHT_SYMBOLS = {"green": "●", "yellow": "▲", "red": "■"}


@register.filter
def dkk(amount) -> str:
    """An amount in Danish kroner, grouped the way the active language writes numbers."""
    if amount is None or amount == "":
        return "–"
    return _("%(amount)s kr.") % {"amount": intcomma(int(amount))}


@register.simple_tag
def traffic_light(value: str, label: str = "", caption: str = "") -> str:
    """A status badge with colour, symbol and words; `label` is the choice's display text,
    `caption` what the status is of, for screen readers. Drawn here rather than by a template:
    lists and timelines draw one a row."""
    hidden = format_html('<span class="visually-hidden">{}: </span>', caption) if caption else ""
    if not value:
        return format_html(
            '<span class="badge status status-none">{}{}</span>', hidden, _("No status yet")
        )
    return format_html(
        '<span class="badge status status-{}"><span aria-hidden="true">{}</span> {}{}</span>',
        value,
        _LIGHT_SYMBOLS.get(value, "○"),
        hidden,
        label,
    )


# The portfolio list's flags for what needs attention, in the order the column shows them.
_ATTENTION_BADGE = '<span class="badge text-bg-{} text-wrap text-start">{}</span>'


@register.simple_tag
def portfolio_table_rows(projects) -> str:
    """The portfolio list's table rows, one a project with its figures (`with_row_figures`).
    Drawn here rather than by a template: every list page draws 25 rows of ten cells, and a
    template costs several times as much per cell."""
    rows = []
    for project in projects:
        flags = []
        if project.open_follow_up:
            flags.append(format_html(_ATTENTION_BADGE, "warning", _("Follow-up request")))
        if project.help_requested:
            flags.append(format_html(_ATTENTION_BADGE, "info", _("Help requested")))
        if project.escalated_barrier:
            flags.append(format_html(_ATTENTION_BADGE, "danger", _("Escalated barrier")))
        if project.overdue_obligations:
            overdue = ngettext(
                "%(counter)s overdue AI Act obligation",
                "%(counter)s overdue AI Act obligations",
                project.overdue_obligations,
            ) % {"counter": number_format(project.overdue_obligations)}
            flags.append(format_html(_ATTENTION_BADGE, "danger", overdue))
        funding_round = project.funding_round
        rows.append(
            format_html(
                '<tr><th scope="row"><a href="{}">{}</a><br>'
                '<small class="text-body-secondary">{}</small></th>'
                "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                '<td class="text-end">{}</td><td class="text-end">{}</td>'
                '<td class="portfolio-attention">{}</td></tr>',
                reverse("project_detail", args=[project.pk]),
                project.title,
                funding_round.name if funding_round else "",
                project.lead_organisation.name,
                project.get_current_phase_display() or "–",
                traffic_light(project.current_status, project.get_current_status_display()),
                date_format(project.last_status_on, "SHORT_DATE_FORMAT")
                if project.last_status_on
                else "–",
                project.get_outcome_display(),
                _("%(running)s of %(total)s")
                % {
                    "running": number_format(project.organisations_running),
                    "total": number_format(project.organisations_total),
                },
                percent(project.realisation_percent),
                percent(project.consultant_share),
                mark_safe(" ".join(flags)),
            )
        )
    return mark_safe("\n".join(rows))


@register.filter
def hours(amount) -> str:
    """A number of hours, grouped the way the active language writes numbers."""
    if amount is None or amount == "":
        return "–"
    return _("%(amount)s hours") % {"amount": intcomma(int(amount))}


@register.simple_tag
def portfolio_url(**params) -> str:
    """The portfolio list filtered by exactly these parameters."""
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{reverse('project_list')}?{query}"


@register.simple_tag
def sort_url(query: str, current: str, field: str) -> str:
    """The list's URL sorted by `field`, or in reverse when it is sorted by it already."""
    params = QueryDict(query, mutable=True)
    params["order"] = f"-{field}" if current == field else field
    params.pop("page", None)
    return f"?{params.urlencode()}"


@register.filter
def percent_of(value, total) -> int:
    """`value` as a whole percentage of `total`, for bar lengths."""
    try:
        return round(100 * int(value) / int(total)) if total else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def person(user) -> str:
    """A user's full name, else the username; a dash when nobody is recorded."""
    if user is None:
        return "–"
    return user.get_full_name() or user.get_username()


@register.filter
def decimal(value) -> str:
    """A measured value grouped the way the active language writes numbers, without trailing
    zeros: "1.234,5" in Danish. A minus is written as a minus sign."""
    if value is None or value == "":
        return "–"
    text = number_format(trimmed(Decimal(value)), force_grouping=True)
    return text.replace("-", "−")


@register.filter
def percent(value) -> str:
    """A percentage such as "63 %" or "−12 %"; a dash when there is none."""
    if value is None or value == "":
        return "–"
    return _("%(number)s %%") % {"number": decimal(value)}


# Long free text in lists and cards: the beginning, and the whole text behind a disclosure.
LONG_TEXT_CHARS = 300
LONG_TEXT_LINES = 4


def excerpt(text: str, *, chars: int = LONG_TEXT_CHARS, lines: int = LONG_TEXT_LINES) -> str:
    """The beginning of `text` (at most `chars` characters and `lines` lines, cut at a word),
    or "" when the text is short enough to show in full. A text only a little longer than
    the excerpt is shown in full: hiding a few words behind a disclosure helps nobody."""
    text = (text or "").replace("\r\n", "\n").strip()
    text_lines = text.split("\n")
    if len(text) <= chars * 4 // 3 and len(text_lines) <= lines + 1:
        return ""
    head = "\n".join(text_lines[:lines])[:chars]
    if len(head) < len(text) and not text[len(head)].isspace():
        cut = head.rstrip().rfind(" ")
        if cut > chars // 2:
            head = head[:cut]
    return head.rstrip(" \n,.;:–-")


@register.simple_tag
def long_text(
    text, about: str = "", label: str = "", css: str = "mb-1", chars: int = 0, urls: bool = False
) -> str:
    """A free text in a list or card: in full when short; otherwise its beginning and a
    disclosure that shows the whole text (no JavaScript needed). `about` names the record
    for screen readers, `label` goes in bold before the text, `urls` makes its addresses
    links. Drawn here rather than by a template: a timeline draws several an entry."""
    text = text or ""
    short = excerpt(text, chars=chars or LONG_TEXT_CHARS)
    bold = format_html("<strong>{}:</strong> ", label) if label else ""

    def lines(value: str) -> str:
        return linebreaksbr(urlizetrunc(value, 50, autoescape=True) if urls else value, True)

    if not short:
        return format_html('<p class="{}">{}{}</p>', css, bold, lines(text))
    named = format_html('<span class="visually-hidden">: {}</span>', about) if about else ""
    return format_html(
        '<div class="long-text {}">\n'
        '  <p class="long-text-excerpt mb-1">{}{} …</p>\n'
        '  <details class="long-text-whole">\n'
        '    <summary class="small">{}{}</summary>\n'
        '    <p class="mb-0">{}{}</p>\n'
        "  </details>\n"
        "</div>",
        css,
        bold,
        lines(short),
        _("Read the whole text"),
        named,
        bold,
        lines(text),
    )


# Fields of a filter form that stay in view, and that only sort (they narrow nothing).
SEARCH_FIELD = "q"
NOT_FILTERS = {SEARCH_FIELD, "order"}


@register.simple_tag
def filter_state(form) -> dict:
    """What the folded part of a filter form shows in its summary: how many of its filters
    are set (`active`), and whether it opens (`open`: a filter is set or has an error).

    A filter is set when the address gives it a value other than the one the field shows
    when nothing is chosen: a select without an empty choice shows its first choice, and
    the form sends that choice back with every search."""
    fields = [field for field in form if field.name not in NOT_FILTERS]
    active = 0
    if form.is_bound:
        for field in fields:
            getlist = getattr(form.data, "getlist", None)
            raw = getlist(field.html_name) if getlist else [form.data.get(field.html_name)]
            values = [str(value) for value in raw if value not in (None, "")]
            if values and values != [_unchosen_value(field.field)]:
                active += 1
    has_errors = form.is_bound and any(field.errors for field in fields)
    return {
        "active": active,
        "open": bool(active or has_errors),
        "search": SEARCH_FIELD in form.fields,
    }


def _unchosen_value(field) -> str:
    """The value a select sends when nobody chose anything: "" where it has an empty choice,
    else its first choice. Never reads a model choice field's queryset."""
    if isinstance(field, ModelChoiceField) or not isinstance(field, ChoiceField):
        return ""
    if isinstance(field, MultipleChoiceField):
        return ""
    first = next(iter(field.choices), None)
    return "" if first is None else str(first[0])


_CHOICE_TEXTS_KEPT = 512
_choice_texts: dict[tuple, tuple] = {}


def choice_texts(form_field) -> list[tuple[str, str, str]]:
    """A form field's choices as (value, value escaped, label escaped) in the active language.
    Fixed choices (`FixedChoices`) are translated and escaped once per language, and kept
    with the very choices they were drawn from: other choices are other objects."""
    source = getattr(form_field, "_choices", None)
    fixed = getattr(source, "choices", source)  # django-filter wraps them in an iterator
    extra = (getattr(form_field, "empty_label", None), getattr(form_field, "null_label", None))
    key = (id(fixed), get_language())
    if isinstance(fixed, FixedChoices):
        found = _choice_texts.get(key)
        if found is not None and found[0] is fixed and all(map(operator.is_, found[1], extra)):
            return found[2]
    # Iterated rather than list()ed: a model choice field would count its rows first.
    texts = [
        (str(value), escape("" if value is None else str(value)), escape(str(label)))
        for value, label in iter(getattr(form_field, "choices", ()))
    ]
    if isinstance(fixed, FixedChoices):
        if len(_choice_texts) >= _CHOICE_TEXTS_KEPT:
            _choice_texts.clear()
        _choice_texts[key] = (fixed, extra, texts)
    return texts


@register.simple_tag
def filter_field(field) -> str:
    """One field of a list's filter form: a group of checkboxes, a select or a text box with
    its label and error. Drawn here rather than by templates, because every list draws all
    of them on every request and a template loop over every choice costs more than the
    rest of the page."""
    choices = choice_texts(field.field)
    errors = field.errors
    error_id = f"{field.auto_id}_error"
    if field.widget_type == "checkboxselectmultiple":
        chosen = {str(value) for value in field.value() or []}
        name, prefix = escape(field.html_name), escape(field.auto_id)
        boxes = "".join(
            '<div class="form-check"><input class="form-check-input" type="checkbox" '
            f'name="{name}" value="{value}" id="{prefix}_{index}"'
            f'{" checked" if raw in chosen else ""}><label class="form-check-label" '
            f'for="{prefix}_{index}">{label}</label></div>'
            for index, (raw, value, label) in enumerate(choices)
        )
        return format_html(
            '<fieldset class="mb-3"><legend class="form-label fs-6 mb-1">{}</legend>{}</fieldset>',
            field.label,
            mark_safe(boxes),
        )
    invalid = " is-invalid" if errors else ""
    described = format_html(' aria-describedby="{}"', error_id) if errors else ""
    if choices:
        current = field.value()
        current = "" if current is None else str(current)
        options = mark_safe(
            "".join(
                f'<option value="{value}"{" selected" if raw == current else ""}>{label}</option>'
                for raw, value, label in choices
            )
        )
        control = format_html(
            '<select class="form-select{}" name="{}" id="{}"{}>{}</select>',
            invalid,
            field.html_name,
            field.auto_id,
            described,
            options,
        )
    else:
        number = field.widget_type == "number"
        value = field.value()
        control = format_html(
            '<input class="form-control{}" type="{}" name="{}" id="{}" value="{}"{}{}>',
            invalid,
            "number" if number else "search",
            field.html_name,
            field.auto_id,
            "" if value is None else value,
            mark_safe(' min="0"') if number else "",
            described,
        )
    error = (
        format_html('<div class="invalid-feedback" id="{}">{}</div>', error_id, " ".join(errors))
        if errors
        else ""
    )
    return format_html(
        '<div class="mb-3"><label class="form-label" for="{}">{}</label>{}{}</div>',
        field.auto_id,
        field.label,
        control,
        error,
    )
