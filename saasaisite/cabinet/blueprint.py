"""The cabinet's blueprint: every page under `/{slug}/my` needs a session."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, g

from saasaisite.auth.session import login_url, session_user
from saasaisite.errors import Forbidden
from saasaisite.htmx import redirect_to
from saasaisite.models import User
from saasaisite.tenants import load_tenant, pop_slug

bp = Blueprint("cabinet", __name__, url_prefix="/<slug>/my")


@bp.url_value_preprocessor
def take_slug(endpoint: str | None, values: dict[str, Any] | None) -> None:
    pop_slug(values)


@bp.url_defaults
def give_slug(endpoint: str, values: dict[str, Any]) -> None:
    if "slug" not in values and g.get("slug"):
        values["slug"] = g.slug


@bp.before_request
async def require_session() -> Response | None:
    """Let in only a session of this very tenant; send anyone else to log in."""
    tenant = await load_tenant(g.slug)
    if await session_user(tenant) is None:
        return redirect_to(login_url(tenant))
    return None


def current_user() -> User:
    user: User = g.user
    return user


def require_owner() -> User:
    """The current user, who must be the tenant's owner."""
    user = current_user()
    if not user.is_owner:
        raise Forbidden()
    return user
