"""Slugs and the tenant named by the path."""

from __future__ import annotations

import re
from typing import Any

from quart import Blueprint, g

from saasaisite.errors import NotFound
from saasaisite.i18n import gettext as _
from saasaisite.models import Tenant
from saasaisite.tenancy import set_current_tenant

# Words that name the app's own paths, or would confuse a visitor if a
# tenant took them. Every slug check reads this one list.
RESERVED_SLUGS = frozenset(
    {
        "about",
        "account",
        "admin",
        "api",
        "app",
        "assets",
        "auth",
        "blog",
        "cabinet",
        "chat",
        "confirm",
        "dashboard",
        "docs",
        "embed",
        "favicon.ico",
        "health",
        "help",
        "lang",
        "login",
        "logout",
        "mail",
        "my",
        "new",
        "pricing",
        "register",
        "reset",
        "robots.txt",
        "root",
        "saasaisite",
        "settings",
        "signup",
        "static",
        "support",
        "system",
        "www",
    }
)
SLUG_PATTERN = re.compile(r"[a-z0-9-]+")


def slug_problems(slug: str) -> list[str]:
    """Every rule the slug breaks, each as a message for a person."""
    problems = []
    if not 3 <= len(slug) <= 40:
        problems.append(_("The address must be 3 to 40 characters long."))
    if not SLUG_PATTERN.fullmatch(slug):
        problems.append(_("Use only lowercase latin letters, digits and hyphens."))
    if slug.startswith("-") or slug.endswith("-"):
        problems.append(_("The address may not start or end with a hyphen."))
    if slug in RESERVED_SLUGS:
        problems.append(_("This address is reserved, please choose another."))
    return problems


async def slug_problems_or_taken(slug: str) -> list[str]:
    problems = slug_problems(slug)
    if not problems and await Tenant.exists(slug=slug):
        problems.append(_("This address is already taken."))
    return problems


async def find_tenant(slug: str) -> Tenant | None:
    """Make the tenant of `slug`, if there is one, the tenant of this request."""
    tenant = None
    if SLUG_PATTERN.fullmatch(slug):
        tenant = await Tenant.get_or_none(slug=slug)
    g.tenant = tenant
    set_current_tenant(tenant.id if tenant else None)
    return tenant


async def load_tenant(slug: str) -> Tenant:
    """Make the tenant of `slug` the tenant of this request; 404 without one."""
    tenant = await find_tenant(slug)
    if tenant is None:
        raise NotFound()
    return tenant


def tenant_blueprint(name: str, import_name: str, url_prefix: str) -> Blueprint:
    """A blueprint under `/<slug>...` whose views need not accept the slug.

    The slug is taken out of the URL values into `g.slug`, and `url_for`
    fills it back in for links to the same tenant.
    """
    blueprint = Blueprint(name, import_name, url_prefix=url_prefix)

    @blueprint.url_value_preprocessor
    def take_slug(endpoint: str | None, values: dict[str, Any] | None) -> None:
        g.slug = str((values or {}).pop("slug", ""))

    @blueprint.url_defaults
    def give_slug(endpoint: str, values: dict[str, Any]) -> None:
        if "slug" not in values and g.get("slug"):
            values["slug"] = g.slug

    return blueprint
