"""Pages still work under the Content-Security-Policy: nothing the browser refuses."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

pytestmark = pytest.mark.browser


def _refusals(page: Page) -> list[str]:
    refused: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Permissions policy" in message.text:
            refused.append(message.text)

    page.on("console", note)
    return refused


def test_swagger_ui_renders_the_api_under_the_policy(page: Page, live_server) -> None:
    refused = _refusals(page)
    response = page.goto(live_server.url + "/api/docs")
    assert response is not None and response.ok
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # Swagger UI builds the page from the OpenAPI document with its own scripts.
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert refused == []


@pytest.mark.parametrize("path", ["/", "/admin/login/", "/masuk/"])
def test_pages_load_without_a_refusal(page: Page, live_server, path: str) -> None:
    refused = _refusals(page)
    response = page.goto(live_server.url + path)
    assert response is not None and response.ok
    assert response.headers["permissions-policy"].startswith("camera=(self)")
    page.wait_for_load_state("networkidle")
    assert refused == []
