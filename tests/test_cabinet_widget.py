"""The widget settings on the profile page: owner only, each value checked."""

from __future__ import annotations

import pytest

from saasaisite.models import Language, Role, Tenant, User
from saasaisite.security import hash_password
from saasaisite.tenancy import tenant_scope
from tests.conftest import PASSWORD, Client

EN = {"Accept-Language": "en"}
Pair = tuple[Tenant, User]
GOOD = {
    "bot_name": "Velo",
    "greeting": "Hello! Ask me about bicycles.",
    "accent_color": "#FF6600",
    "language": "en",
    "contact_form": "on",
}


async def test_the_owner_sees_and_saves_the_widget_settings(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    page = await (await owner_client.get("/alpha/my/profile", headers=EN)).get_data(
        as_text=True
    )
    assert "Chat widget" in page
    response = await owner_client.post(
        "/alpha/my/profile/widget", GOOD, htmx=True, headers=EN
    )
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The widget settings are saved." in fragment
    saved = await Tenant.get(id=tenant.id)
    assert saved.bot_name == "Velo"
    assert saved.greeting == "Hello! Ask me about bicycles."
    assert saved.accent_color == "#ff6600"
    assert saved.language == Language.EN
    assert saved.contact_form


async def test_an_unchecked_box_turns_the_contact_form_off(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    await owner_client.post("/alpha/my/profile/widget", GOOD)
    data = {key: value for key, value in GOOD.items() if key != "contact_form"}
    await owner_client.post("/alpha/my/profile/widget", data)
    assert not (await Tenant.get(id=tenant.id)).contact_form


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("accent_color", "blue", "six hexadecimal digits"),
        ("accent_color", "#12345", "six hexadecimal digits"),
        ("accent_color", "#12345g", "six hexadecimal digits"),
        ("language", "de", "Choose Russian or English."),
        ("bot_name", "b" * 81, "at most 80 characters"),
        ("greeting", "g" * 501, "at most 500 characters; this one has 501"),
    ],
)
async def test_each_bad_value_has_its_message_and_the_form_keeps_input(
    owner_client: Client, tenant_a: Pair, field: str, value: str, message: str
) -> None:
    tenant, _owner = tenant_a
    response = await owner_client.post(
        "/alpha/my/profile/widget", {**GOOD, field: value}, htmx=True, headers=EN
    )
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in fragment
    kept = {**GOOD, field: value}
    for name in ("bot_name", "greeting", "accent_color"):
        assert kept[name] in fragment
    assert '<option value="en" selected>' in fragment or field == "language"
    saved = await Tenant.get(id=tenant.id)
    assert saved.bot_name == ""
    assert saved.accent_color == "#2563eb"


async def test_a_member_may_not_change_the_widget(
    client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    with tenant_scope(tenant.id):
        member = await User.create(
            email="member@alpha.test",
            name="Member",
            password_hash=await hash_password(PASSWORD),
            role=Role.MEMBER,
            confirmed_at=tenant.created_at,
        )
    await client.login(tenant.slug, member.email)
    page = await (await client.get("/alpha/my/profile", headers=EN)).get_data(
        as_text=True
    )
    assert "Chat widget" not in page
    response = await client.post("/alpha/my/profile/widget", GOOD)
    assert response.status_code == 403
    assert (await Tenant.get(id=tenant.id)).bot_name == ""


async def test_another_tenants_owner_cannot_change_this_widget(
    client: Client, tenant_a: Pair, tenant_b: Pair
) -> None:
    tenant, _owner = tenant_a
    other, other_owner = tenant_b
    await client.login(other.slug, other_owner.email)
    response = await client.post("/alpha/my/profile/widget", GOOD)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/alpha/login")
    assert (await Tenant.get(id=tenant.id)).bot_name == ""
    assert (await Tenant.get(id=other.id)).bot_name == ""
