"""The API documentation works in the browser under the site's content security policy, with
nothing loaded from another origin."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_swagger_ui_renders_the_api_under_the_policy(new_page, live_server):
    page = new_page()
    refused, requests = [], []
    page.on(
        "console", lambda message: refused.append(message.text) if message.type == "error" else None
    )
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/v1/docs")
    # Swagger UI fetched the OpenAPI document and drew the operations from it.
    page.locator(".swagger-ui .opblock").first.wait_for()
    text = page.locator("#swagger-ui").inner_text()
    assert "/api/v1/register/records" in text
    assert "/api/v1/portfolio/projects" in text
    assert refused == []
    assert [url for url in requests if not url.startswith(live_server.url)] == []


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_token_page_is_accessible(new_page, live_server, language):
    from projects.models import Role
    from tests import factories
    from tests.browser.conftest import log_in
    from tests.browser.test_accessibility import check

    member = factories.MembershipFactory(
        organisation=factories.AgencyFactory(name="Digitaliseringsstyrelsen"),
        role=Role.REVIEWER,
        user=factories.UserFactory(username="ds-api", password="en-lang-adgangskode"),
    )
    page = new_page()
    log_in(page, member.user.username, "en-lang-adgangskode")
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto("/account/api-tokens/")
    page.locator("#id_name").fill("Ledelsesinformation")
    page.locator("form[action='/account/api-tokens/'] button[type=submit]").click()
    secret = page.locator("#issued-secret").input_value()
    assert secret.startswith("sgp_")
    report = {"rules": set(), "pages": 0}
    problems = check(page, "API tokens with a new token", report)
    # A refused form: the error is announced at its field.
    page.locator("form[action='/account/api-tokens/'] button[type=submit]").click()
    expect(page.locator(".invalid-feedback, .is-invalid").first).to_be_visible()
    problems += check(page, "API tokens with an error", report)
    assert problems == [], "\n".join(problems)
