"""The migrations match the models, and the unique constraints exist."""

from __future__ import annotations

import uuid

import pytest
from tortoise.exceptions import IntegrityError

from saasaisite import db
from saasaisite.models import Invitation, Lead, Tenant, User
from saasaisite.tenancy import tenant_scope


async def test_the_models_and_the_migrations_agree(database_url: str) -> None:
    changes = await db.pending_model_changes(database_url)
    assert changes == [], [str(change) for change in changes]


async def test_two_tenants_cannot_share_a_slug(tenant_a: tuple[Tenant, User]) -> None:
    with pytest.raises(IntegrityError):
        await Tenant.create(slug="alpha", name="Impostor")
    assert await Tenant.filter(slug="alpha").count() == 1


async def test_an_email_is_unique_among_the_users_of_one_tenant(
    tenant_a: tuple[Tenant, User], tenant_b: tuple[Tenant, User]
) -> None:
    alpha, owner = tenant_a
    bravo, _bravo_owner = tenant_b
    with tenant_scope(alpha.id), pytest.raises(IntegrityError):
        await User.create(email=owner.email, name="Twin", password_hash="x")

    with tenant_scope(bravo.id):
        same_elsewhere = await User.create(
            email=owner.email, name="Elsewhere", password_hash="x"
        )
    assert same_elsewhere.tenant_id == bravo.id


async def test_an_email_is_invited_once_per_tenant(
    tenant_a: tuple[Tenant, User], tenant_b: tuple[Tenant, User]
) -> None:
    alpha, _owner = tenant_a
    bravo, _bravo_owner = tenant_b
    with tenant_scope(alpha.id):
        await Invitation.create(email="guest@example.test")
        with pytest.raises(IntegrityError):
            await Invitation.create(email="guest@example.test")
    with tenant_scope(bravo.id):
        await Invitation.create(email="guest@example.test")


async def test_a_contact_is_one_lead_per_tenant(
    tenant_a: tuple[Tenant, User], tenant_b: tuple[Tenant, User]
) -> None:
    alpha, _owner = tenant_a
    bravo, _bravo_owner = tenant_b
    with tenant_scope(alpha.id):
        await Lead.create(contact="+15550001")
        with pytest.raises(IntegrityError):
            await Lead.create(contact="+15550001")
    with tenant_scope(bravo.id):
        await Lead.create(contact="+15550001")


async def test_primary_keys_are_uuids_made_by_the_app(
    tenant_a: tuple[Tenant, User],
) -> None:
    tenant, owner = tenant_a
    assert isinstance(tenant.id, uuid.UUID)
    assert isinstance(owner.id, uuid.UUID)
    assert owner.id.version == 4
