"""The profile page: one's name and password; the owner's company and team."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from saasaisite.models import Invitation, Role, Tenant, User
from saasaisite.security import hash_password
from saasaisite.tenancy import tenant_scope
from tests.conftest import PASSWORD, Client, Mailbox

EN = {"Accept-Language": "en"}
NEW_PASSWORD = "a brand new secret"


async def page_of(response: Any) -> str:
    body: str = await response.get_data(as_text=True)
    return body


async def add_member(tenant: Tenant, email: str = "member@alpha.test") -> User:
    with tenant_scope(tenant.id):
        return await User.create(
            email=email,
            name="Mia Member",
            password_hash=await hash_password(PASSWORD),
            role=Role.MEMBER,
            confirmed_at=datetime.now(UTC),
        )


@pytest.fixture
async def member_client(
    make_client: Any, tenant_a: tuple[Tenant, User]
) -> tuple[Client, User]:
    """A client logged in as a member (not the owner) of `alpha`."""
    member = await add_member(tenant_a[0])
    client: Client = make_client()
    await client.login("alpha", member.email)
    return client, member


async def test_the_owner_sees_every_part_of_the_profile(owner_client: Client) -> None:
    response = await owner_client.get("/alpha/my/profile", headers=EN)
    page = await page_of(response)
    assert response.status_code == 200
    for heading in ("Your name", "Password", "Company", "Team"):
        assert f">{heading}</h2>" in page
    assert "owner@alpha.test" in page


async def test_changing_ones_name_is_saved_and_said(
    owner_client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    tenant, owner = tenant_a
    response = await owner_client.post(
        "/alpha/my/profile/name", {"name": "Olga Owner"}, htmx=True, headers=EN
    )
    fragment = await page_of(response)
    assert response.status_code == 200
    assert "Your name is saved." in fragment
    assert "<html" not in fragment
    with tenant_scope(tenant.id):
        assert (await User.get(id=owner.id)).name == "Olga Owner"


async def test_a_too_long_name_is_refused_and_the_field_keeps_what_was_typed(
    owner_client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    tenant, owner = tenant_a
    response = await owner_client.post(
        "/alpha/my/profile/name", {"name": "x" * 121}, headers=EN
    )
    page = await page_of(response)
    assert response.status_code == 400
    assert "The name may be at most 120 characters long." in page
    assert f'value="{"x" * 121}"' in page
    with tenant_scope(tenant.id):
        assert (await User.get(id=owner.id)).name == owner.name


async def test_changing_the_password_keeps_this_browser_and_ends_the_others(
    owner_client: Client, make_client: Any, tenant_a: tuple[Tenant, User]
) -> None:
    _tenant, owner = tenant_a
    other: Client = make_client()
    await other.login("alpha", owner.email)

    response = await owner_client.post(
        "/alpha/my/profile/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
        htmx=True,
        headers=EN,
    )
    assert response.status_code == 200
    assert "Your password is changed." in await page_of(response)
    assert (await owner_client.get("/alpha/my")).status_code == 200
    assert (await other.get("/alpha/my")).status_code == 303

    fresh: Client = make_client()
    old = await fresh.post("/alpha/login", {"email": owner.email, "password": PASSWORD})
    assert old.status_code == 400
    await fresh.login("alpha", owner.email, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"current": "wrong", "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
            "The current password is wrong.",
        ),
        (
            {"current": PASSWORD, "password": NEW_PASSWORD, "password2": "other one"},
            "The two passwords do not match.",
        ),
        (
            {"current": PASSWORD, "password": "short", "password2": "short"},
            "at least 8 characters",
        ),
    ],
)
async def test_a_refused_password_change_names_the_problem_and_changes_nothing(
    owner_client: Client,
    make_client: Any,
    tenant_a: tuple[Tenant, User],
    form: dict[str, str],
    message: str,
) -> None:
    _tenant, owner = tenant_a
    response = await owner_client.post(
        "/alpha/my/profile/password", form, htmx=True, headers=EN
    )
    page = await page_of(response)
    assert response.status_code == 400
    assert message in page
    assert NEW_PASSWORD not in page
    await make_client().login("alpha", owner.email, PASSWORD)


async def test_the_owner_renames_the_company(
    owner_client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    tenant, _owner = tenant_a
    response = await owner_client.post(
        "/alpha/my/profile/company", {"company": "Alpha & Beta"}, headers=EN
    )
    assert response.status_code == 200
    assert "The company name is saved." in await page_of(response)
    stored = await Tenant.get(id=tenant.id)
    assert stored.name == "Alpha & Beta"
    assert stored.slug == "alpha"


async def test_an_empty_company_name_is_refused(
    owner_client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    tenant, _owner = tenant_a
    response = await owner_client.post(
        "/alpha/my/profile/company", {"company": "  "}, headers=EN
    )
    assert response.status_code == 400
    assert "Enter a name." in await page_of(response)
    assert (await Tenant.get(id=tenant.id)).name == tenant.name


async def test_a_bad_invitation_address_is_refused_and_kept(
    owner_client: Client, mailbox: Mailbox
) -> None:
    response = await owner_client.post(
        "/alpha/my/profile/invite", {"email": "not-an-address"}, headers=EN
    )
    page = await page_of(response)
    assert response.status_code == 400
    assert "This does not look like an e-mail address." in page
    assert 'value="not-an-address"' in page
    assert mailbox.messages == []


async def test_inviting_a_member_again_says_they_are_a_member(
    owner_client: Client, mailbox: Mailbox, tenant_a: tuple[Tenant, User]
) -> None:
    await add_member(tenant_a[0])
    response = await owner_client.post(
        "/alpha/my/profile/invite", {"email": "Member@Alpha.test"}, headers=EN
    )
    assert response.status_code == 400
    assert "This person is already a member." in await page_of(response)
    assert mailbox.messages == []


async def test_an_open_invitation_is_listed_for_the_owner(
    owner_client: Client, mailbox: Mailbox
) -> None:
    await owner_client.post("/alpha/my/profile/invite", {"email": "new@alpha.test"})
    page = await page_of(await owner_client.get("/alpha/my/profile", headers=EN))
    assert "Invitations not used yet" in page
    assert "Withdraw the invitation to new@alpha.test" in page


async def test_the_owner_removes_a_member(
    owner_client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    tenant, _owner = tenant_a
    member = await add_member(tenant)
    response = await owner_client.post(
        f"/alpha/my/profile/members/{member.id}/remove", headers=EN
    )
    assert response.status_code == 200
    assert "Mia Member is removed." in await page_of(response)
    with tenant_scope(tenant.id):
        assert not await User.exists(id=member.id)


async def test_the_owner_cannot_be_removed(
    owner_client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    tenant, owner = tenant_a
    response = await owner_client.post(
        f"/alpha/my/profile/members/{owner.id}/remove", headers=EN
    )
    assert response.status_code == 400
    assert "The owner cannot be removed." in await page_of(response)
    with tenant_scope(tenant.id):
        assert await User.exists(id=owner.id)


async def test_a_removed_members_session_ends(
    owner_client: Client,
    member_client: tuple[Client, User],
) -> None:
    client, member = member_client
    assert (await client.get("/alpha/my")).status_code == 200
    await owner_client.post(f"/alpha/my/profile/members/{member.id}/remove")

    assert (await client.get("/alpha/my")).status_code == 303


async def test_a_member_sees_only_their_own_part_of_the_profile(
    member_client: tuple[Client, User],
) -> None:
    client, _member = member_client
    response = await client.get("/alpha/my/profile", headers=EN)
    page = await page_of(response)
    assert response.status_code == 200
    assert ">Your name</h2>" in page
    assert ">Password</h2>" in page
    assert ">Company</h2>" not in page
    assert ">Team</h2>" not in page
    assert "owner@alpha.test" not in page


async def test_a_member_is_refused_every_owner_action(
    member_client: tuple[Client, User],
    mailbox: Mailbox,
    tenant_a: tuple[Tenant, User],
) -> None:
    client, member = member_client
    tenant, owner = tenant_a
    with tenant_scope(tenant.id):
        invitation = await Invitation.create(email="x@alpha.test", invited_by=owner)
    actions = [
        ("/alpha/my/profile/company", {"company": "Taken over"}),
        ("/alpha/my/profile/invite", {"email": "friend@evil.test"}),
        (f"/alpha/my/profile/members/{owner.id}/remove", {}),
        (f"/alpha/my/profile/members/{member.id}/remove", {}),
        (f"/alpha/my/profile/invitations/{invitation.id}/revoke", {}),
    ]
    for path, form in actions:
        for htmx in (False, True):
            response = await client.post(path, form, htmx=htmx, headers=EN)
            page = await page_of(response)
            assert response.status_code == 403, path
            assert "Access denied" in page
            assert ("<html" in page) is not htmx

    assert (await Tenant.get(id=tenant.id)).name == tenant.name
    assert mailbox.messages == []
    with tenant_scope(tenant.id):
        assert await User.all().count() == 2
        assert await Invitation.exists(id=invitation.id)
