"""Error pages: 403, 404, 405, 413 and 500, whole or as an htmx fragment."""

from __future__ import annotations

import logging

import pytest
from quart import Quart

from saasaisite.app import create_app
from saasaisite.config import Settings
from saasaisite.models import Tenant, User
from tests.conftest import Client

EN = {"Accept-Language": "en"}
HTMX = {**EN, "HX-Request": "true"}


@pytest.mark.parametrize("path", ["/no/such/page/here", "/nobody/login", "/nobody/my"])
async def test_an_unknown_address_gets_a_full_404_page(
    client: Client, tenant_a: tuple[Tenant, User], path: str
) -> None:
    response = await client.get(path, headers=EN)
    page = await response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<html" in page
    assert "Page not found" in page
    assert "There is no page at this address." in page
    assert 'href="/"' in page


async def test_htmx_gets_the_404_as_a_fragment(client: Client) -> None:
    response = await client.get("/nobody/login", headers=HTMX)
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<html" not in fragment
    assert "Page not found" in fragment


async def test_a_refused_request_gets_the_403_page(client: Client) -> None:
    # A POST without the CSRF token is one way to be refused.
    response = await client.http.post("/", form={"company": "x"}, headers=EN)
    page = await response.get_data(as_text=True)
    assert response.status_code == 403
    assert "<html" in page
    assert "Access denied" in page


async def test_htmx_gets_the_403_as_a_fragment(client: Client) -> None:
    response = await client.http.post("/", form={"company": "x"}, headers=HTMX)
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 403
    assert "<html" not in fragment
    assert "Access denied" in fragment


async def test_a_wrong_method_keeps_its_status(
    client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    response = await client.get("/alpha/resend", headers=EN)
    assert response.status_code == 405
    assert "This action is not allowed here" in await response.get_data(as_text=True)


async def test_a_too_large_request_is_413_not_a_server_error(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    token = await client.csrf_token()
    response = await client.http.post(
        "/",
        data=b"company=" + b"x" * (2 * 1024 * 1024),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRF-Token": token,
        },
    )
    assert response.status_code == 413
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.fixture
def failing_app(app: Quart, settings: Settings) -> Quart:
    """An app with one more route, which fails."""
    failing = create_app(settings)

    @failing.route("/fail")
    async def fail() -> str:
        raise RuntimeError("the view broke")

    return failing


async def test_a_failing_view_gets_the_500_page_and_is_logged_once(
    failing_app: Quart, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = await failing_app.test_client().get("/fail", headers=EN)
    page = await response.get_data(as_text=True)

    assert response.status_code == 500
    assert "<html" in page
    assert "Something went wrong" in page
    assert "the view broke" not in page
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info is not None
    assert "the view broke" in caplog.text
    assert "GET /fail" in errors[0].getMessage()


async def test_htmx_gets_the_500_as_a_fragment(failing_app: Quart) -> None:
    response = await failing_app.test_client().get("/fail", headers=HTMX)
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 500
    assert "<html" not in fragment
    assert "Something went wrong" in fragment
