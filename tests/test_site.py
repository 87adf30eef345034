"""The landing page, its sign-up form, the language switch and health."""

from __future__ import annotations

import pytest

from saasaisite.models import Tenant
from tests.conftest import Client


async def test_landing_says_what_the_product_is(client: Client) -> None:
    response = await client.get("/", headers={"Accept-Language": "en"})
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "AI chat bot for your website" in page
    assert 'name="slug"' in page


async def test_a_good_company_and_slug_lead_to_registration(client: Client) -> None:
    response = await client.post("/", {"company": "Acme", "slug": "acme-shop"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/acme-shop/register?company=Acme"


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("ab", "3 to 40 characters"),
        ("a" * 41, "3 to 40 characters"),
        ("Acme", "lowercase latin letters"),
        ("acme_shop", "lowercase latin letters"),
        ("магазин", "lowercase latin letters"),
        ("-acme", "start or end with a hyphen"),
        ("acme-", "start or end with a hyphen"),
        ("static", "reserved"),
        ("login", "reserved"),
    ],
)
async def test_each_broken_slug_rule_has_its_message_and_the_form_keeps_input(
    client: Client, slug: str, message: str
) -> None:
    response = await client.post(
        "/",
        {"company": "Acme & Sons", "slug": slug},
        headers={"Accept-Language": "en"},
    )
    page = await response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'value="Acme &amp; Sons"' in page


async def test_a_taken_slug_is_refused(client: Client) -> None:
    await Tenant.create(slug="taken", name="Taken")
    response = await client.post(
        "/", {"company": "Mine", "slug": "taken"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert "already taken" in await response.get_data(as_text=True)


async def test_health_answers(client: Client) -> None:
    response = await client.get("/health")
    assert await response.get_json() == {"status": "ok"}
