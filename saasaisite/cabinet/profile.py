"""The profile page: one's name and password; the owner's company and team."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from quart import Response, g, request

from saasaisite.auth import service
from saasaisite.auth.session import start_session
from saasaisite.cabinet.blueprint import bp, current_user, require_owner
from saasaisite.errors import NotFound
from saasaisite.htmx import render
from saasaisite.i18n import gettext as _
from saasaisite.models import Invitation, Tenant, User
from saasaisite.security import verify_password

log = logging.getLogger(__name__)

PAGE = "cabinet/profile.html"


async def _page(
    block: str | None = None, status: int = 200, **context: Any
) -> Response:
    """The profile page (or one of its blocks for htmx) with the team listed."""
    tenant: Tenant = g.tenant
    user = current_user()
    members = await User.all().order_by("created_at") if user.is_owner else []
    invitations = (
        await Invitation.filter(accepted_at=None).order_by("-created_at")
        if user.is_owner
        else []
    )
    context.setdefault("errors", {})
    context.setdefault("notice", "")
    context["notice_in"] = block
    context.setdefault("values", {})
    page = await render(
        PAGE,
        block,
        tenant=tenant,
        user=user,
        members=members,
        invitations=invitations,
        active="profile",
        **context,
    )
    return Response(page, status=status)


@bp.route("/profile")
async def profile() -> Response:
    """Show the profile page."""
    return await _page("content")


@bp.route("/profile/name", methods=["POST"])
async def change_name() -> Response:
    """Change one's own display name."""
    user = current_user()
    name = (await request.form).get("name", "").strip()
    if problem := service.name_problem(name):
        return await _page(
            "name_form", 400, errors={"name": problem}, values={"name": name}
        )

    user.name = name
    await user.save(update_fields=["name"])
    return await _page("name_form", notice=_("Your name is saved."))


@bp.route("/profile/password", methods=["POST"])
async def change_password() -> Response:
    """Change one's password; every other session of the user ends."""
    user = current_user()
    data = await request.form
    errors = service.password_problems(
        data.get("password", ""), data.get("password2", "")
    )
    if not await verify_password(user.password_hash, data.get("current", "")):
        errors["current"] = _("The current password is wrong.")
    if errors:
        return await _page("password_form", 400, errors=errors)

    await service.set_password(user, data["password"])
    response = await _page("password_form", notice=_("Your password is changed."))
    # This browser keeps working with a fresh token; older tokens are refused.
    start_session(response, g.tenant, user)
    return response


@bp.route("/profile/company", methods=["POST"])
async def rename_company() -> Response:
    """The owner renames the tenant (the address stays)."""
    require_owner()
    tenant: Tenant = g.tenant
    name = (await request.form).get("company", "").strip()
    if problem := service.name_problem(name):
        return await _page(
            "company_form", 400, errors={"company": problem}, values={"company": name}
        )

    tenant.name = name
    await tenant.save(update_fields=["name"])
    return await _page("company_form", notice=_("The company name is saved."))


@bp.route("/profile/invite", methods=["POST"])
async def invite() -> Response:
    """The owner invites a person by e-mail."""
    owner = require_owner()
    email = service.normalise_email((await request.form).get("email", ""))
    problem = service.email_problem(email)
    if problem is None and await User.exists(email=email):
        problem = _("This person is already a member.")
    if problem:
        return await _page(
            "team", 400, errors={"invite": problem}, values={"invite": email}
        )

    await service.invite(g.tenant, owner, email)
    return await _page(
        "team", notice=_("The invitation is sent to %(email)s.", email=email)
    )


@bp.route("/profile/members/<uuid:member_id>/remove", methods=["POST"])
async def remove_member(member_id: uuid.UUID) -> Response:
    """The owner removes a member (never the owner)."""
    owner = require_owner()
    member = await User.get_or_none(id=member_id)
    if member is None:
        raise NotFound()
    if member.id == owner.id or member.is_owner:
        return await _page(
            "team", 400, errors={"team": _("The owner cannot be removed.")}
        )

    await member.delete()
    log.info("member removed tenant=%s user=%s", owner.tenant_id, member_id)
    return await _page("team", notice=_("%(name)s is removed.", name=member.name))


@bp.route("/profile/invitations/<uuid:invitation_id>/revoke", methods=["POST"])
async def revoke_invitation(invitation_id: uuid.UUID) -> Response:
    """The owner withdraws an invitation that was not used yet."""
    require_owner()
    invitation = await Invitation.get_or_none(id=invitation_id, accepted_at=None)
    if invitation is None:
        raise NotFound()

    await invitation.delete()
    return await _page("team", notice=_("The invitation is withdrawn."))
