"""Accounts: sign-up, confirmation, login with throttling, password reset."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from quart import current_app, url_for
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from saasaisite.config import current_settings
from saasaisite.i18n import gettext as _
from saasaisite.mail import send_mail
from saasaisite.models import Invitation, LoginAttempt, Role, Tenant, User
from saasaisite.security import LinkError, Signer, hash_password, verify_password
from saasaisite.tenancy import tenant_scope

log = logging.getLogger(__name__)

CONFIRM_LINK_AGE = timedelta(days=3)
RESET_LINK_AGE = timedelta(hours=1)
INVITE_LINK_AGE = timedelta(days=14)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 30
PASSWORD_MIN = 8
PASSWORD_MAX = 200
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

Errors = dict[str, str]


def signer() -> Signer:
    return Signer(current_settings().secret_key)


def mailed_link(endpoint: str, **values: Any) -> str:
    """An absolute link for a mail, always on BASE_URL.

    Never built from the request's Host header: a forged one would send the
    token in a reset mail to someone else's site.
    """
    return current_settings().base_url + url_for(endpoint, **values)


def send_after_response(to: str, subject: str, body: str) -> None:
    """Send a mail once the answer has gone out.

    The answer then takes as long whether or not an address is registered,
    and a slow mail server never holds a page up.
    """
    current_app.add_background_task(send_mail, current_settings(), to, subject, body)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    if not email:
        return _("Enter your e-mail address.")
    if len(email) > 254 or not EMAIL_PATTERN.fullmatch(email):
        return _("This does not look like an e-mail address.")
    return None


def password_problems(password: str, repeated: str) -> Errors:
    errors: Errors = {}
    if len(password) < PASSWORD_MIN:
        errors["password"] = _(
            "The password must be at least %(n)s characters long.", n=PASSWORD_MIN
        )
    elif len(password) > PASSWORD_MAX:
        errors["password"] = _("The password is too long.")
    if password != repeated:
        errors["password2"] = _("The two passwords do not match.")
    return errors


def name_problem(name: str) -> str | None:
    if not name:
        return _("Enter a name.")
    if len(name) > 120:
        return _("The name may be at most 120 characters long.")
    return None


@dataclass
class Registration:
    name: str
    email: str
    password: str
    password2: str
    company: str = ""
    errors: Errors = field(default_factory=dict)


async def register(tenant: Tenant | None, slug: str, form: Registration) -> User | None:
    """Create the user (and the tenant, when it is new); None with form errors."""
    email = normalise_email(form.email)
    if problem := name_problem(form.name):
        form.errors["name"] = problem
    if problem := email_problem(email):
        form.errors["email"] = problem
    form.errors.update(password_problems(form.password, form.password2))
    if tenant is None and (problem := name_problem(form.company)):
        form.errors["company"] = problem
    if form.errors:
        return None

    password_hash = await hash_password(form.password)
    try:
        async with in_transaction():
            if tenant is None:
                tenant = await Tenant.create(slug=slug, name=form.company.strip())
                role = Role.OWNER
            else:
                role = Role.MEMBER
            with tenant_scope(tenant.id):
                user = await User.create(
                    tenant=tenant,
                    email=email,
                    name=form.name.strip(),
                    password_hash=password_hash,
                    role=role,
                )
                if role == Role.MEMBER:
                    await Invitation.filter(email=email).update(
                        accepted_at=datetime.now(UTC)
                    )
    except IntegrityError:
        # Two people raced for the slug, or the e-mail is already registered.
        form.errors["email"] = _(
            "This e-mail address is already registered here. Try to log in."
        )
        return None

    log.info("user registered tenant=%s user=%s role=%s", tenant.id, user.id, role)
    return user


async def send_confirmation(slug: str, user: User) -> None:
    token = signer().dumps("confirm", str(user.id))
    link = mailed_link("auth.confirm", slug=slug, token=token)
    send_after_response(
        user.email,
        _("Confirm your e-mail address"),
        _(
            "Hello, %(name)s!\n\nTo confirm your e-mail address, open this link:\n"
            "%(link)s\n\nThe link is valid for 3 days.",
            name=user.name,
            link=link,
        ),
    )


def user_id_from_link(purpose: str, token: str, max_age: timedelta) -> uuid.UUID:
    """The user a signed link names; raises LinkError when broken or old."""
    return uuid.UUID(str(signer().loads(purpose, token, max_age)))


async def throttled(tenant: Tenant, email: str, address: str) -> bool:
    """True when too many recent failures came for this account or address."""
    since = datetime.now(UTC) - THROTTLE_WINDOW
    account_failures = await LoginAttempt.filter(
        key=_account_key(tenant, email), created_at__gte=since
    ).count()
    address_failures = await LoginAttempt.filter(
        key=_address_key(address), created_at__gte=since
    ).count()
    return (
        account_failures >= MAX_FAILURES_PER_ACCOUNT
        or address_failures >= MAX_FAILURES_PER_ADDRESS
    )


async def record_failure(tenant: Tenant, email: str, address: str) -> None:
    await LoginAttempt.create(key=_account_key(tenant, email))
    await LoginAttempt.create(key=_address_key(address))
    # Old rows are no longer read; drop them now and then, on failures only.
    await LoginAttempt.filter(
        created_at__lt=datetime.now(UTC) - 2 * THROTTLE_WINDOW
    ).delete()


async def forget_failures(tenant: Tenant, email: str) -> None:
    await LoginAttempt.filter(key=_account_key(tenant, email)).delete()


def _account_key(tenant: Tenant, email: str) -> str:
    return f"account:{tenant.id}:{email}"[:300]


def _address_key(address: str) -> str:
    return f"address:{address}"


async def authenticate(email: str, password: str) -> User | None:
    """The user of this tenant with this e-mail and password, else None."""
    user = await User.get_or_none(email=normalise_email(email))
    matches = await verify_password(user.password_hash if user else None, password)
    return user if matches else None


async def send_reset(slug: str, user: User) -> None:
    token = signer().dumps("reset", [str(user.id), user.session_version])
    link = mailed_link("auth.reset", slug=slug, token=token)
    send_after_response(
        user.email,
        _("Reset your password"),
        _(
            "Hello, %(name)s!\n\nTo choose a new password, open this link:\n"
            "%(link)s\n\nThe link is valid for one hour. If you did not ask for "
            "it, ignore this message.",
            name=user.name,
            link=link,
        ),
    )


async def set_password(user: User, password: str) -> None:
    """Store a new password and end every older session of the user."""
    user.password_hash = await hash_password(password)
    user.session_version += 1
    await user.save(update_fields=["password_hash", "session_version"])
    log.info("password changed tenant=%s user=%s", user.tenant_id, user.id)


async def invite(tenant: Tenant, owner: User, email: str) -> Invitation:
    """Create (or renew) an invitation and mail its link."""
    invitation, _created = await Invitation.update_or_create(
        defaults={"invited_by": owner, "accepted_at": None}, email=email
    )
    token = signer().dumps("invite", str(invitation.id))
    link = mailed_link("auth.register", slug=tenant.slug, invite=token)
    send_after_response(
        email,
        _("You are invited to %(company)s", company=tenant.name),
        _(
            "%(owner)s invites you to work with the chat bot of %(company)s.\n\n"
            "To create your account, open this link:\n%(link)s\n\n"
            "The link is valid for 14 days.",
            owner=owner.name,
            company=tenant.name,
            link=link,
        ),
    )
    log.info("invitation sent tenant=%s invitation=%s", tenant.id, invitation.id)
    return invitation


async def invitation_from_link(token: str) -> Invitation | None:
    """The open invitation a link names, in the tenant in context."""
    try:
        invitation_id = uuid.UUID(str(signer().loads("invite", token, INVITE_LINK_AGE)))
    except (LinkError, ValueError):
        return None

    invitation = await Invitation.get_or_none(id=invitation_id)
    if invitation is None or invitation.accepted_at is not None:
        return None
    return invitation
