"""The session cookie: a JWT that names one user of one tenant."""

from __future__ import annotations

from quart import Response, g, request, url_for

from saasaisite.config import current_settings
from saasaisite.models import Tenant, User
from saasaisite.security import issue_session, read_session

SESSION_COOKIE = "session"


def cookie_path(tenant: Tenant) -> str:
    # One cookie per tenant path, so sessions of several tenants can coexist.
    return f"/{tenant.slug}/"


def start_session(response: Response, tenant: Tenant, user: User) -> None:
    settings = current_settings()
    token = issue_session(
        settings.secret_key,
        user.id,
        tenant.id,
        user.session_version,
        settings.session_days,
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        path=cookie_path(tenant),
        httponly=True,
        samesite="Lax",
        secure=settings.secure_cookies,
    )


def end_session(response: Response, tenant: Tenant) -> None:
    response.delete_cookie(SESSION_COOKIE, path=cookie_path(tenant))


async def session_user(tenant: Tenant) -> User | None:
    """The user of a valid session for exactly this tenant, else None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    claims = read_session(current_settings().secret_key, token)
    if claims is None or claims.tenant_id != tenant.id:
        return None
    user = await User.get_or_none(id=claims.user_id)
    if user is None or user.session_version != claims.version:
        return None
    if user.confirmed_at is None:
        return None
    g.user = user
    return user


def login_url(tenant: Tenant) -> str:
    """The tenant's login page, coming back here afterwards."""
    # The target of a form cannot be opened with GET after logging in; such a
    # person starts again from the cabinet's home.
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    return url_for("auth.login", slug=tenant.slug, next=back)
