"""CSRF tokens on every state change, and no framing by other sites."""

from __future__ import annotations

from typing import Any

import pytest

from saasaisite.models import Tenant, User
from saasaisite.tenancy import tenant_scope
from tests.conftest import PASSWORD, Client


async def owner_name(tenant: Tenant, owner: User) -> str:
    with tenant_scope(tenant.id):
        return (await User.get(id=owner.id)).name


@pytest.mark.parametrize(
    "how",
    ["no token", "wrong token in the form", "wrong token in the header"],
)
async def test_a_cabinet_post_without_the_right_token_is_refused(
    owner_client: Client, tenant_a: tuple[Tenant, User], how: str
) -> None:
    tenant, owner = tenant_a
    form = {"name": "Changed"}
    headers = {"Accept-Language": "en"}
    if how == "wrong token in the form":
        form["csrf_token"] = "forged"
    elif how == "wrong token in the header":
        headers.update({"HX-Request": "true", "X-CSRF-Token": "forged"})

    response = await owner_client.http.post(
        "/alpha/my/profile/name", form=form, headers=headers
    )
    assert response.status_code == 403
    assert "Access denied" in await response.get_data(as_text=True)
    assert await owner_name(tenant, owner) == owner.name


async def test_the_token_of_another_browser_is_refused(
    owner_client: Client, make_client: Any, tenant_a: tuple[Tenant, User]
) -> None:
    tenant, owner = tenant_a
    stranger: Client = make_client()
    their_token = await stranger.csrf_token()

    response = await owner_client.http.post(
        "/alpha/my/profile/name", form={"name": "Changed", "csrf_token": their_token}
    )
    assert response.status_code == 403
    assert await owner_name(tenant, owner) == owner.name


async def test_an_htmx_post_with_the_header_token_works(
    owner_client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    tenant, owner = tenant_a
    response = await owner_client.post(
        "/alpha/my/profile/name", {"name": "Changed"}, htmx=True
    )
    assert response.status_code == 200
    assert await owner_name(tenant, owner) == "Changed"


async def test_a_form_post_with_the_field_token_works(
    owner_client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    tenant, owner = tenant_a
    response = await owner_client.post("/alpha/my/profile/name", {"name": "Changed"})
    assert response.status_code == 200
    assert await owner_name(tenant, owner) == "Changed"


async def test_the_page_carries_the_token_that_the_cookie_holds(
    owner_client: Client,
) -> None:
    page = await (await owner_client.get("/alpha/my/profile")).get_data(as_text=True)
    token = owner_client.cookie("csrf_token")
    assert token
    assert f'name="csrf_token" value="{token}"' in page
    assert f'"X-CSRF-Token": "{token}"' in page


async def test_login_without_the_token_is_refused(
    client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    _tenant, owner = tenant_a
    response = await client.http.post(
        "/alpha/login", form={"email": owner.email, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert client.cookie("session") is None


@pytest.mark.parametrize(
    "path", ["/alpha/my", "/alpha/my/profile", "/alpha/login", "/", "/nowhere/x"]
)
async def test_pages_may_not_be_framed_by_other_sites(
    owner_client: Client, path: str
) -> None:
    response = await owner_client.get(path)
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]


async def test_a_cabinet_htmx_fragment_may_not_be_framed_either(
    owner_client: Client,
) -> None:
    response = await owner_client.post(
        "/alpha/my/profile/name", {"name": "Changed"}, htmx=True
    )
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]


async def test_the_csrf_cookie_is_httponly_and_lax(client: Client) -> None:
    response = await client.get("/")
    header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("csrf_token=")
    )
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
