"""Registration, confirmation, login, logout and password reset pages."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from quart import Response, g, request, url_for

from saasaisite.auth import service
from saasaisite.auth.session import end_session, session_user, start_session
from saasaisite.config import current_settings
from saasaisite.errors import NotFound
from saasaisite.htmx import redirect_to, render
from saasaisite.i18n import gettext as _
from saasaisite.models import Tenant, User
from saasaisite.security import LinkError
from saasaisite.tenants import (
    find_tenant,
    load_tenant,
    slug_problems_or_taken,
    tenant_blueprint,
)

log = logging.getLogger(__name__)

bp = tenant_blueprint("auth", __name__, "/<slug>")


def client_address() -> str:
    """The visitor's address, read through the proxies TRUSTED_PROXIES names.

    Behind a router every request comes from the router's address; taking
    that would let failed logins from anyone throttle everybody at once.
    """
    hops = current_settings().trusted_proxies
    forwarded = [
        part.strip()
        for part in request.headers.get("X-Forwarded-For", "").split(",")
        if part.strip()
    ]
    # Each trusted proxy appends the address it saw; the one the nearest
    # untrusted party claimed is `hops` entries from the right.
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.remote_addr or "unknown"


def _safe_next(tenant: Tenant, target: str | None) -> str:
    """Only a path inside this tenant; anything else goes to the cabinet."""
    prefix = f"/{tenant.slug}/"
    if target and target.startswith(prefix) and not target.startswith("//"):
        return target
    return url_for("cabinet.home", slug=tenant.slug)


@bp.route("/register", methods=["GET", "POST"])
async def register() -> Any:
    """Create the tenant with its owner, or join it with an invitation."""
    tenant = await find_tenant(g.slug)
    invite_token = request.args.get("invite", "")
    invitation = None
    if tenant is None:
        problems = await slug_problems_or_taken(g.slug)
        if problems:
            raise NotFound()
    else:
        invitation = await service.invitation_from_link(invite_token)
        if invitation is None:
            page = await render(
                "auth/invitation_needed.html",
                tenant=tenant,
                had_link=bool(invite_token),
            )
            return page, 403

    form = service.Registration(
        name="",
        email=invitation.email if invitation else "",
        password="",
        password2="",
        company=request.args.get("company", ""),
    )
    if request.method == "POST":
        data = await request.form
        form.name = data.get("name", "").strip()
        form.company = data.get("company", form.company).strip()
        if invitation is None:
            form.email = data.get("email", "").strip()
        form.password = data.get("password", "")
        form.password2 = data.get("password2", "")
        user = await service.register(tenant, g.slug, form)
        if user is not None:
            await service.send_confirmation(g.slug, user)
            return redirect_to(url_for("auth.check_mail", email=user.email))

    status = 400 if form.errors else 200
    page = await render(
        "auth/register.html",
        "form",
        tenant=tenant,
        form=form,
        invitation=invitation,
        invite_token=invite_token,
    )
    return page, status


@bp.route("/check-mail")
async def check_mail() -> str:
    """Tell the new user to open the confirmation mail."""
    tenant = await load_tenant(g.slug)
    return await render(
        "auth/check_mail.html", tenant=tenant, email=request.args.get("email", "")
    )


@bp.route("/confirm/<token>")
async def confirm(token: str) -> Any:
    """Confirm an e-mail address from the link in the mail."""
    tenant = await load_tenant(g.slug)
    try:
        user_id = service.user_id_from_link("confirm", token, service.CONFIRM_LINK_AGE)
    except LinkError as error:
        outcome = "expired" if error.expired else "invalid"
        return await render("auth/confirmed.html", tenant=tenant, outcome=outcome), 400
    except ValueError:
        return await render(
            "auth/confirmed.html", tenant=tenant, outcome="invalid"
        ), 400

    user = await User.get_or_none(id=user_id)
    if user is None:
        return await render(
            "auth/confirmed.html", tenant=tenant, outcome="invalid"
        ), 400
    if user.confirmed_at is not None:
        return await render("auth/confirmed.html", tenant=tenant, outcome="used"), 400

    user.confirmed_at = datetime.now(UTC)
    await user.save(update_fields=["confirmed_at"])
    log.info("user confirmed tenant=%s user=%s", tenant.id, user.id)
    return await render("auth/confirmed.html", tenant=tenant, outcome="confirmed")


@bp.route("/login", methods=["GET", "POST"])
async def login() -> Any:
    """Log in with e-mail and password."""
    tenant = await load_tenant(g.slug)
    next_path = request.args.get("next", "")
    if request.method == "GET" and await session_user(tenant):
        return redirect_to(_safe_next(tenant, next_path))

    email = ""
    error = ""
    unconfirmed = False
    status = 200
    if request.method == "POST":
        data = await request.form
        email = service.normalise_email(data.get("email", ""))
        password = data.get("password", "")
        address = client_address()
        if await service.throttled(tenant, email, address):
            error = _("Too many attempts. Please wait 15 minutes and try again.")
            status = 429
        else:
            user = await service.authenticate(email, password)
            if user is None:
                await service.record_failure(tenant, email, address)
                log.info("login failed tenant=%s address=%s", tenant.id, address)
                error = _("Wrong e-mail or password.")
                status = 400
            elif user.confirmed_at is None:
                error = _("Please confirm your e-mail address first.")
                unconfirmed = True
                status = 400
            else:
                await service.forget_failures(tenant, email)
                response = redirect_to(_safe_next(tenant, next_path))
                start_session(response, tenant, user)
                log.info("login tenant=%s user=%s", tenant.id, user.id)
                return response

    page = await render(
        "auth/login.html",
        "form",
        tenant=tenant,
        email=email,
        error=error,
        unconfirmed=unconfirmed,
        next_path=next_path,
    )
    return page, status


@bp.route("/resend", methods=["POST"])
async def resend() -> str:
    """Send the confirmation link again, saying the same for any address."""
    tenant = await load_tenant(g.slug)
    email = service.normalise_email((await request.form).get("email", ""))
    user = await User.get_or_none(email=email)
    if user is not None and user.confirmed_at is None:
        await service.send_confirmation(tenant.slug, user)
    return await render("auth/check_mail.html", tenant=tenant, email=email, resent=True)


@bp.route("/logout", methods=["GET", "POST"])
async def logout() -> Any:
    """End the session (a POST); a GET shows the button that does it."""
    tenant = await load_tenant(g.slug)
    if request.method == "GET":
        return await render("auth/logout.html", tenant=tenant)

    response = redirect_to(url_for("auth.login", slug=tenant.slug))
    end_session(response, tenant)
    return response


@bp.route("/forgot", methods=["GET", "POST"])
async def forgot() -> Any:
    """Ask for a reset link; the answer is the same for any address."""
    tenant = await load_tenant(g.slug)
    email = ""
    sent = False
    if request.method == "POST":
        email = service.normalise_email((await request.form).get("email", ""))
        user = await User.get_or_none(email=email)
        if user is not None:
            await service.send_reset(tenant.slug, user)
        sent = True
    return await render("auth/forgot.html", tenant=tenant, email=email, sent=sent)


@bp.route("/reset/<token>", methods=["GET", "POST"])
async def reset(token: str) -> Any:
    """Choose a new password from the link in the mail."""
    tenant = await load_tenant(g.slug)
    outcome = ""
    user = None
    try:
        user_id, version = service.signer().loads(
            "reset", token, service.RESET_LINK_AGE
        )
        user = await User.get_or_none(id=str(user_id))
        if user is None or user.session_version != version:
            outcome = "used"
    except LinkError as error:
        outcome = "expired" if error.expired else "invalid"
    except (ValueError, TypeError):
        outcome = "invalid"
    if outcome or user is None:
        page = await render(
            "auth/reset.html", tenant=tenant, outcome=outcome or "invalid"
        )
        return page, 400

    errors: dict[str, str] = {}
    if request.method == "POST":
        data = await request.form
        password = data.get("password", "")
        errors = service.password_problems(password, data.get("password2", ""))
        if not errors:
            await service.set_password(user, password)
            if user.confirmed_at is None:
                # The link came by mail, which proves the address too.
                user.confirmed_at = datetime.now(UTC)
                await user.save(update_fields=["confirmed_at"])
            response: Response = redirect_to(url_for("auth.login", slug=tenant.slug))
            end_session(response, tenant)
            return response

    page = await render(
        "auth/reset.html", "form", tenant=tenant, errors=errors, token=token
    )
    return page, 400 if errors else 200
