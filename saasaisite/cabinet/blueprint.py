"""The cabinet's blueprint: every page under `/{slug}/my` needs a session."""

from __future__ import annotations

from quart import Response, g

from saasaisite.auth.session import login_url, session_user
from saasaisite.errors import Forbidden
from saasaisite.htmx import redirect_to
from saasaisite.models import User
from saasaisite.tenants import load_tenant, tenant_blueprint

bp = tenant_blueprint("cabinet", __name__, "/<slug>/my")


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
