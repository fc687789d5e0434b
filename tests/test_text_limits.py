"""Free text has a maximum length, kept by the forms, the browser and the models alike."""

import html

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from projects.models import Phase, ReviewNote, StatusUpdate
from projects.models.text import (
    DESCRIPTION_MAX_LENGTH,
    EXPLANATION_MAX_LENGTH,
    LimitedTextField,
)
from tests import factories, payloads
from tests.test_permissions import database_snapshot

pytestmark = pytest.mark.django_db


def too_long(limit: int) -> str:
    """Readable text one character over `limit`, to be recognised when the form comes back
    (ending in a letter: the forms strip surrounding spaces)."""
    return ("Fremdriften i projektet æøå. " * (limit // 20))[:limit] + "x"


def limited_fields():
    return [
        pytest.param(model, field, id=f"{model.__name__}.{field.name}")
        for model in apps.get_app_config("projects").get_models()
        for field in model._meta.get_fields()
        if isinstance(field, LimitedTextField)
    ]


# Text the application writes itself, never a person: an e-mail's body (a digest can be long),
# the SMTP server's last answer, and a snapshot's search text, derived from its limited fields.
WRITTEN_BY_THE_APPLICATION = {
    "Notification.body",
    "Notification.last_error",
    "RegisterSnapshot.search_text",
}


def test_every_free_text_field_has_a_limit():
    unlimited = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config("projects").get_models()
        for field in model._meta.get_fields()
        if type(field) is models.TextField
    ]
    assert set(unlimited) == WRITTEN_BY_THE_APPLICATION


def test_a_too_long_status_update_comes_back_with_the_text_kept(client, coordinator, project):
    client.force_login(coordinator)
    text = too_long(DESCRIPTION_MAX_LENGTH)
    before = database_snapshot()

    response = client.post(
        reverse("status_update_create", args=[project.pk]), payloads.status_update(progress=text)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["progress"] == [
        "Forkort teksten til højst 5.000 tegn (den har 5.001)."
    ]
    page = response.content.decode()
    assert "Forkort teksten til højst 5.000 tegn (den har 5.001)." in page
    assert html.escape(text, quote=False) in page
    assert 'maxlength="5000"' in page
    assert database_snapshot() == before


def test_a_too_long_answer_comes_back_with_the_text_kept(client, coordinator, project):
    note = factories.ReviewNoteFactory(project=project, kind="follow_up")
    client.force_login(coordinator)
    text = too_long(EXPLANATION_MAX_LENGTH)
    before = database_snapshot()

    response = client.post(
        reverse("review_note_answer", args=[project.pk, note.pk]),
        payloads.answer(note, answer=text),
    )

    assert response.status_code == 200
    assert "answer" in response.context["form"].errors
    assert html.escape(text, quote=False) in response.content.decode()
    assert database_snapshot() == before


def test_a_too_long_gate_rationale_is_refused_in_english(client, coordinator, project):
    factories.PhaseFactory(project=project)
    client.force_login(coordinator)
    client.cookies.load({"django_language": "en"})
    before = database_snapshot()

    response = client.post(
        reverse("phase_advance", args=[project.pk]),
        payloads.gate_decision(project=project, rationale=too_long(EXPLANATION_MAX_LENGTH)),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["rationale"] == [
        "Shorten the text to at most 4,000 characters (it has 4,001)."
    ]
    assert database_snapshot() == before


def test_a_line_break_counts_as_one_character_as_in_the_browser(client, coordinator, project):
    # The browser lets 5,000 characters be typed counting each line break once, and sends the
    # line breaks as "\r\n".
    client.force_login(coordinator)
    text = "ab\r\n" * (DESCRIPTION_MAX_LENGTH // 3) + "a" * (DESCRIPTION_MAX_LENGTH % 3)
    assert len(text.replace("\r\n", "\n")) == DESCRIPTION_MAX_LENGTH

    response = client.post(
        reverse("status_update_create", args=[project.pk]), payloads.status_update(progress=text)
    )

    assert response.status_code == 302
    assert StatusUpdate.objects.get(project=project).progress == text


@pytest.mark.parametrize(("model", "field"), limited_fields())
def test_the_model_refuses_too_long_text_in_full_clean(model, field):
    instance = model()
    setattr(instance, field.attname, "x" * field.max_length)
    with pytest.raises(ValidationError) as refused:
        instance.full_clean()
    assert field.name not in refused.value.error_dict  # exactly at the limit is allowed

    setattr(instance, field.attname, "x" * (field.max_length + 1))
    with pytest.raises(ValidationError) as refused:
        instance.full_clean()
    assert [error.code for error in refused.value.error_dict[field.name]] == ["max_length"]


def test_the_admin_refuses_too_long_text(client, project):
    client.force_login(
        factories.UserFactory(username="root-admin", is_staff=True, is_superuser=True)
    )
    text = too_long(ReviewNote._meta.get_field("text").max_length)

    response = client.post(
        reverse("admin:projects_reviewnote_add"),
        {"project": project.pk, "kind": "note", "text": text},
    )

    assert response.status_code == 200
    assert "text" in response.context["adminform"].form.errors
    assert html.escape(text, quote=False) in response.content.decode()
    assert not ReviewNote.objects.exists()


def test_the_stored_gate_decision_fits_its_decision_log_entry():
    # A gate decision's rationale and conditions are copied into a decision's description and
    # rationale, so they must never take more than those do.
    from projects.models import Decision

    def limit(model, name):
        return model._meta.get_field(name).max_length

    assert limit(Phase, "rationale") <= limit(Decision, "description")
    assert limit(Phase, "conditions") <= limit(Decision, "rationale")
