"""Leads: the e-mail addresses and phone numbers visitors leave.

A contact is normalised (a lowercase e-mail; a phone as "+" and digits) and
is unique per tenant: writing it again updates the lead. The tenant's
owners get an e-mail for every new lead, with a link to its dialog.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

import aiosmtplib
from quart import current_app
from tortoise.exceptions import IntegrityError

from saasaisite.config import Settings, current_settings
from saasaisite.i18n import gettext as _
from saasaisite.mail import send_mail
from saasaisite.models import Dialog, Lead, Role, Tenant, User
from saasaisite.tenancy import tenant_scope

log = logging.getLogger(__name__)

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Digits with the usual separators, not glued to letters or other digits.
PHONE = re.compile(r"(?<![\w+])\+?\d(?:[\s().-]{0,2}\d){6,18}(?![\w])")
PHONE_DIGITS = range(10, 16)


@dataclass(frozen=True)
class Contact:
    """A normalised contact; `key` is what makes a lead unique."""

    email: str = ""
    phone: str = ""

    @property
    def key(self) -> str:
        return self.email or self.phone


def normalise_email(text: str) -> str | None:
    """A lowercase address, or None when `text` is not one."""
    address = text.strip().lower()
    return address if EMAIL.fullmatch(address) and len(address) <= 254 else None


def normalise_phone(text: str) -> str | None:
    """ "+" and 10 to 15 digits, or None when `text` is not a phone number."""
    digits = re.sub(r"\D", "", text)
    if not text.strip().startswith("+") and len(digits) == 11 and digits[0] == "8":
        # The Russian trunk prefix: 8 916 ... is +7 916 ...
        digits = "7" + digits[1:]
    return f"+{digits}" if len(digits) in PHONE_DIGITS else None


def parse_contact(text: str) -> Contact | None:
    """One contact typed in a form field: an e-mail address or a phone."""
    email = normalise_email(text)
    if email:
        return Contact(email=email)
    phone = normalise_phone(text) if PHONE.fullmatch(text.strip()) else None
    return Contact(phone=phone) if phone else None


def find_contacts(text: str) -> list[Contact]:
    """Every e-mail address and phone number in a message, once each."""
    found: dict[str, Contact] = {}
    for match in EMAIL.finditer(text):
        email = normalise_email(match.group())
        if email:
            found.setdefault(email, Contact(email=email))
    without_emails = EMAIL.sub(" ", text)
    for match in PHONE.finditer(without_emails):
        phone = normalise_phone(match.group())
        if phone:
            found.setdefault(phone, Contact(phone=phone))
    return list(found.values())


async def save_lead(
    dialog: Dialog | None,
    contact: Contact,
    *,
    name: str = "",
    consent_text: str = "",
    consent_at: datetime | None = None,
) -> tuple[Lead, bool]:
    """Create the lead of a contact, or update it; True when it is new."""
    lead = await Lead.get_or_none(contact=contact.key)
    created = False
    if lead is None:
        try:
            lead = await Lead.create(
                contact=contact.key, email=contact.email, phone=contact.phone
            )
            created = True
        except IntegrityError:
            # Another request saved the same contact a moment ago.
            lead = await Lead.get(contact=contact.key)
    if dialog is not None:
        lead.dialog_id = dialog.id
    if name:
        lead.name = name[:120]
    if consent_text:
        lead.consent_text = consent_text
        lead.consent_at = consent_at
    await lead.save()
    if dialog is not None:
        await Dialog.filter(id=dialog.id).update(has_lead=True)
    return lead, created


async def record_contacts(dialog: Dialog, text: str) -> list[Lead]:
    """Turn the contacts in a visitor's message into leads; return new ones."""
    new_leads = []
    for contact in find_contacts(text):
        lead, created = await save_lead(dialog, contact)
        if created:
            new_leads.append(lead)
    if new_leads:
        tenant = await Tenant.get(id=dialog.tenant_id)
        for lead in new_leads:
            await announce_lead(tenant, lead)
    return new_leads


def dialog_link(settings: Settings, tenant: Tenant, dialog_id: uuid.UUID) -> str:
    """The absolute address of a dialog in the cabinet, for an e-mail."""
    # The cabinet's dialog page is built beside this module; its address is
    # fixed by the design, so it is written out rather than looked up.
    return f"{settings.base_url}/{tenant.slug}/my/dialogs/{dialog_id}"


async def announce_lead(tenant: Tenant, lead: Lead) -> None:
    """Mail the tenant's owners about a new lead, after the response."""
    settings = current_settings()
    subject = _("New contact from your chat: %(contact)s", contact=lead.contact)
    lines = [
        _("A visitor of your chat left a contact."),
        "",
        _("Contact: %(contact)s", contact=lead.contact),
    ]
    if lead.name:
        lines.append(_("Name: %(name)s", name=lead.name))
    if lead.dialog_id is not None:
        lines += [
            "",
            _("The conversation:"),
            dialog_link(settings, tenant, lead.dialog_id),
        ]
    body = "\n".join(lines)
    with tenant_scope(tenant.id):
        owners = await User.filter(role=Role.OWNER).values_list("email", flat=True)
    # Sent in the background: a slow mail server must not hold up the chat.
    current_app.add_background_task(
        _mail_owners, settings, tenant.id, [str(o) for o in owners], subject, body
    )


async def _mail_owners(
    settings: Settings,
    tenant_id: uuid.UUID,
    owners: list[str],
    subject: str,
    body: str,
) -> None:
    for owner in owners:
        try:
            await send_mail(settings, owner, subject, body)
        except (aiosmtplib.SMTPException, OSError) as error:
            log.warning("lead mail failed tenant=%s to=%s: %s", tenant_id, owner, error)
