"""The tenant filter in the models, and tenants kept apart over HTTP."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from quart import Quart
from tortoise import Tortoise
from tortoise.models import Model

from saasaisite.errors import NoTenantInContext
from saasaisite.models import (
    Dialog,
    Invitation,
    Lead,
    Message,
    MessageRole,
    MessageStatus,
    PromptChunk,
    Role,
    SavedItem,
    Tenant,
    TenantManager,
    TenantScoped,
    User,
)
from saasaisite.security import issue_session
from saasaisite.tenancy import tenant_scope
from tests.conftest import PASSWORD, TEST_SECRET, Client

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
# Form fields a cabinet POST might read; an attacker fills them all.
HOSTILE_FORM = {
    "name": "Hacked",
    "company": "Hacked",
    "email": "evil@evil.test",
    "text": "Hacked",
    "note": "Hacked",
    "status": "lost",
    "current": PASSWORD,
    "password": "hacked password",
    "password2": "hacked password",
    "order": "",
}


def all_models() -> list[type[Model]]:
    apps = Tortoise.apps
    assert apps is not None
    return list(apps.get_models_iterable())


def scoped_models() -> list[type[TenantScoped]]:
    return [
        model
        for model in all_models()
        if issubclass(model, TenantScoped) and model is not TenantScoped
    ]


# The filter inside the models


async def test_every_model_with_a_tenant_field_is_tenant_scoped(app: Quart) -> None:
    with_tenant = [m for m in all_models() if "tenant" in m._meta.fields_map]
    assert len(with_tenant) >= 7
    for model in with_tenant:
        assert issubclass(model, TenantScoped), model.__name__
        assert isinstance(model._meta.manager, TenantManager), model.__name__


@pytest.mark.parametrize(
    "query",
    [
        lambda model: model.all(),
        lambda model: model.filter(),
        lambda model: model.get_or_none(id=uuid.uuid4()),
        lambda model: model.exists(),
        lambda model: model.all().count(),
        lambda model: model.first(),
    ],
    ids=["all", "filter", "get_or_none", "exists", "count", "first"],
)
async def test_querying_a_scoped_model_without_a_tenant_raises(
    app: Quart, tenant_a: tuple[Tenant, User], query: Any
) -> None:
    for model in scoped_models():
        with pytest.raises(NoTenantInContext):
            await query(model)


async def test_creating_a_scoped_row_without_a_tenant_raises(app: Quart) -> None:
    with pytest.raises(NoTenantInContext):
        await PromptChunk.create(text="Orphan", position=1)
    assert await PromptChunk.unscoped().count() == 0


async def test_a_new_scoped_row_takes_the_tenant_in_context(
    tenant_a: tuple[Tenant, User],
) -> None:
    tenant, _owner = tenant_a
    with tenant_scope(tenant.id):
        chunk = await PromptChunk.create(text="We sell tea.", position=1)
        dialog = await Dialog.create()

    assert chunk.tenant_id == tenant.id
    assert dialog.tenant_id == tenant.id
    stored = await PromptChunk.unscoped().get(id=chunk.id)
    assert stored.tenant_id == tenant.id


async def test_another_tenants_row_is_invisible(
    tenant_a: tuple[Tenant, User], tenant_b: tuple[Tenant, User]
) -> None:
    alpha, alpha_owner = tenant_a
    _bravo, bravo_owner = tenant_b
    with tenant_scope(alpha.id):
        assert await User.get_or_none(id=bravo_owner.id) is None
        assert await User.get_or_none(email=bravo_owner.email) is None
        assert [u.id for u in await User.all()] == [alpha_owner.id]
        assert await User.filter(id=bravo_owner.id).count() == 0


async def test_updates_and_deletes_by_query_touch_only_the_tenant_in_context(
    tenant_a: tuple[Tenant, User], tenant_b: tuple[Tenant, User]
) -> None:
    alpha, _alpha_owner = tenant_a
    _bravo, bravo_owner = tenant_b
    with tenant_scope(alpha.id):
        await User.filter(id=bravo_owner.id).update(name="Hacked")
        await User.filter(id=bravo_owner.id).delete()

    stored = await User.unscoped().get(id=bravo_owner.id)
    assert stored.name == bravo_owner.name


async def test_saving_another_tenants_row_raises(
    tenant_a: tuple[Tenant, User], tenant_b: tuple[Tenant, User]
) -> None:
    alpha, _alpha_owner = tenant_a
    _bravo, bravo_owner = tenant_b
    bravo_owner.name = "Hacked"
    with tenant_scope(alpha.id), pytest.raises(NoTenantInContext):
        await bravo_owner.save()

    assert (await User.unscoped().get(id=bravo_owner.id)).name != "Hacked"


async def test_deleting_another_tenants_row_raises(
    tenant_a: tuple[Tenant, User], tenant_b: tuple[Tenant, User]
) -> None:
    alpha, _alpha_owner = tenant_a
    _bravo, bravo_owner = tenant_b
    with tenant_scope(alpha.id), pytest.raises(NoTenantInContext):
        await bravo_owner.delete()

    assert await User.unscoped().filter(id=bravo_owner.id).exists()


async def test_a_scoped_row_keeps_its_tenant_through_tenant_scope_blocks(
    tenant_a: tuple[Tenant, User], tenant_b: tuple[Tenant, User]
) -> None:
    alpha, _alpha_owner = tenant_a
    bravo, _bravo_owner = tenant_b
    with tenant_scope(alpha.id):
        with tenant_scope(bravo.id):
            inner = await PromptChunk.create(text="Bravo", position=1)
        outer = await PromptChunk.create(text="Alpha", position=1)

    assert inner.tenant_id == bravo.id
    assert outer.tenant_id == alpha.id


async def test_ids_of_rows_are_not_guessable(tenant_a: tuple[Tenant, User]) -> None:
    for model in scoped_models():
        assert model._meta.pk_attr == "id"
        assert type(model._meta.pk).__name__ == "UUIDField", model.__name__


# Cross-tenant HTTP


async def fill_tenant(tenant: Tenant, owner: User) -> dict[str, uuid.UUID]:
    """A member, an invitation and one row of each kind; returns their ids."""
    with tenant_scope(tenant.id):
        member = await User.create(
            email=f"member@{tenant.slug}.test",
            name=f"Member of {tenant.slug}",
            password_hash=owner.password_hash,
            role=Role.MEMBER,
            confirmed_at=datetime.now(UTC),
        )
        invitation = await Invitation.create(
            email=f"invited@{tenant.slug}.test", invited_by=owner
        )
        chunk = await PromptChunk.create(
            text=f"{tenant.slug} secret recipe", position=1
        )
        dialog = await Dialog.create(preview=f"{tenant.slug} private question")
        message = await Message.create(
            dialog=dialog,
            role=MessageRole.USER,
            content=f"{tenant.slug} private question",
            status=MessageStatus.DONE,
        )
        lead = await Lead.create(
            dialog=dialog,
            contact=f"lead@{tenant.slug}.test",
            email=f"lead@{tenant.slug}.test",
        )
        saved = await SavedItem.create(
            message=message, content=f"{tenant.slug} kept answer"
        )
    return {
        "member": member.id,
        "invitation": invitation.id,
        "chunk": chunk.id,
        "dialog": dialog.id,
        "message": message.id,
        "lead": lead.id,
        "item": saved.id,
        "saved": saved.id,
    }


async def tenant_rows(tenant: Tenant) -> list[Any]:
    """Every stored value of a tenant, to prove that nothing changed."""
    rows: list[Any] = [await Tenant.filter(id=tenant.id).values()]
    for model in scoped_models():
        query = model.unscoped().filter(tenant_id=tenant.id).order_by("id")
        rows.append((model.__name__, await query.values()))
    return rows


def cabinet_requests(app: Quart, slug: str, ids: dict[str, uuid.UUID]) -> list[Any]:
    """(method, path) of every cabinet route, filled with the tenant's ids."""
    requests = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("cabinet."):
            continue
        arguments = sorted(rule.arguments - {"slug"})
        choices: list[dict[str, Any]] = [{"slug": slug}]
        for name in arguments:
            kind = name.removesuffix("_id")
            value = ids.get(kind, ids["dialog"])
            choices = [{**c, name: value} for c in choices]
        for values_of_one in choices:
            built = rule.build(values_of_one, append_unknown=False)
            assert built is not None, rule.rule
            for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
                requests.append((method, built[1]))
    return requests


def forged_client(app: Quart, token: str) -> Client:
    """A browser that sends `token` as its session cookie on every path."""
    client = Client(app)
    client.http.set_cookie("localhost", "session", token, path="/")
    return client


async def assert_refused(
    client: Client, method: str, path: str, secrets: list[str]
) -> None:
    """Sent to bravo's login (303, or HX-Redirect), with no byte of its data."""
    for htmx in (False, True):
        if method == "GET":
            headers = {"HX-Request": "true"} if htmx else {}
            response = await client.get(path, headers=headers)
        else:
            response = await client.post(path, HOSTILE_FORM, htmx=htmx)
        body = await response.get_data(as_text=True)
        where = f"{method} {path} htmx={htmx}"
        if htmx:
            assert response.status_code == 204, where
            assert response.headers["HX-Redirect"].startswith("/bravo/login"), where
        else:
            assert response.status_code == 303, where
            assert response.headers["Location"].startswith("/bravo/login"), where
        for secret in secrets:
            assert secret not in body, where
            assert secret not in response.headers.get("Location", ""), where


def bravo_secrets(bravo: Tenant, owner: User) -> list[str]:
    return [
        bravo.name,
        owner.email,
        owner.name,
        "member@bravo.test",
        "invited@bravo.test",
        "bravo secret recipe",
        "bravo private question",
        "lead@bravo.test",
        "bravo kept answer",
    ]


def token_for(user: User, tenant: Tenant, **changes: Any) -> str:
    return issue_session(
        changes.get("secret", TEST_SECRET),
        changes.get("user_id", user.id),
        changes.get("tenant_id", tenant.id),
        user.session_version,
        days=1,
    )


async def test_the_cross_tenant_checks_would_see_bravos_data(
    app: Quart, tenant_b: tuple[Tenant, User]
) -> None:
    # The control: bravo's own token opens the pages the next tests refuse.
    bravo, owner = tenant_b
    await fill_tenant(bravo, owner)
    client = forged_client(app, token_for(owner, bravo))

    home = await client.get("/bravo/my")
    assert home.status_code == 200
    assert bravo.name in await home.get_data(as_text=True)
    profile = await client.get("/bravo/my/profile")
    assert "member@bravo.test" in await profile.get_data(as_text=True)


async def test_every_cabinet_page_of_another_tenant_is_refused(
    app: Quart, tenant_a: tuple[Tenant, User], tenant_b: tuple[Tenant, User]
) -> None:
    alpha, alpha_owner = tenant_a
    bravo, bravo_owner = tenant_b
    await fill_tenant(alpha, alpha_owner)
    ids = await fill_tenant(bravo, bravo_owner)
    before = await tenant_rows(bravo)
    alpha_client = Client(app)
    await alpha_client.login("alpha", alpha_owner.email)
    alpha_token = alpha_client.cookie("session")
    assert alpha_token is not None
    client = forged_client(app, alpha_token)

    requests = cabinet_requests(app, "bravo", ids)
    assert ("GET", "/bravo/my") in requests
    assert ("GET", "/bravo/my/profile") in requests
    assert ("POST", f"/bravo/my/profile/members/{ids['member']}/remove") in requests
    for method, path in requests:
        await assert_refused(client, method, path, bravo_secrets(bravo, bravo_owner))

    assert await tenant_rows(bravo) == before
    # Alpha's session still works on alpha's own pages.
    assert (await client.get("/alpha/my")).status_code == 200


def unsigned_token(payload: dict[str, Any]) -> str:
    """A token with `alg: none` and no signature at all."""
    return jwt.encode(payload, key=None, algorithm="none")


@pytest.mark.parametrize(
    "forge",
    [
        "alpha_user_named_in_bravo",
        "resigned_with_a_wrong_key",
        "unsigned",
        "tenant_claim_edited",
        "expired",
    ],
)
async def test_an_altered_or_expired_token_is_refused(
    app: Quart,
    tenant_a: tuple[Tenant, User],
    tenant_b: tuple[Tenant, User],
    forge: str,
) -> None:
    alpha, alpha_owner = tenant_a
    bravo, bravo_owner = tenant_b
    ids = await fill_tenant(bravo, bravo_owner)
    before = await tenant_rows(bravo)
    now = datetime.now(UTC)
    claims = {
        "sub": str(bravo_owner.id),
        "tenant_id": str(bravo.id),
        "ver": 0,
        "iat": now,
        "exp": now + timedelta(days=1),
    }
    if forge == "alpha_user_named_in_bravo":
        # Correctly signed, naming bravo, but the user is alpha's.
        token = token_for(alpha_owner, bravo)
    elif forge == "resigned_with_a_wrong_key":
        token = jwt.encode(claims, "not the secret " * 4, algorithm="HS256")
    elif forge == "unsigned":
        token = unsigned_token(claims)
    elif forge == "tenant_claim_edited":
        # Alpha's genuine token with its payload swapped for bravo's claims.
        header, _payload, signature = token_for(alpha_owner, alpha).split(".")
        forged = jwt.encode(claims, TEST_SECRET, algorithm="HS256").split(".")[1]
        token = ".".join([header, forged, signature])
    else:
        claims["iat"] = now - timedelta(days=2)
        claims["exp"] = now - timedelta(seconds=1)
        token = jwt.encode(claims, TEST_SECRET, algorithm="HS256")
    client = forged_client(app, token)

    secrets = bravo_secrets(bravo, bravo_owner)
    await assert_refused(client, "GET", "/bravo/my", secrets)
    await assert_refused(client, "GET", "/bravo/my/profile", secrets)
    await assert_refused(client, "POST", "/bravo/my/profile/company", secrets)
    await assert_refused(
        client, "POST", f"/bravo/my/profile/members/{ids['member']}/remove", secrets
    )
    assert await tenant_rows(bravo) == before


async def test_another_tenants_member_id_is_not_found_in_ones_own_cabinet(
    owner_client: Client, tenant_b: tuple[Tenant, User]
) -> None:
    bravo, bravo_owner = tenant_b
    ids = await fill_tenant(bravo, bravo_owner)
    before = await tenant_rows(bravo)

    removal = await owner_client.post(
        f"/alpha/my/profile/members/{ids['member']}/remove"
    )
    revoke = await owner_client.post(
        f"/alpha/my/profile/invitations/{ids['invitation']}/revoke"
    )
    assert removal.status_code == 404
    assert revoke.status_code == 404
    assert "Member of bravo" not in await removal.get_data(as_text=True)
    assert await tenant_rows(bravo) == before


async def test_an_unknown_tenant_cabinet_is_not_found(owner_client: Client) -> None:
    response = await owner_client.get("/nobody/my")
    assert response.status_code == 404
