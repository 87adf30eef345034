"""Sending mail: over SMTP when configured, else into `var/outbox/`."""

from __future__ import annotations

import logging
import uuid
from email.message import EmailMessage

import aiosmtplib

from saasaisite.config import Settings

log = logging.getLogger(__name__)


async def send_mail(settings: Settings, to: str, subject: str, body: str) -> None:
    """Send one plain-text message."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)

    if not settings.smtp_host:
        settings.outbox_dir.mkdir(parents=True, exist_ok=True)
        path = settings.outbox_dir / f"{uuid.uuid4().hex}.eml"
        path.write_bytes(message.as_bytes())
        # With no mail server the person reads the link here or in the file.
        log.info("mail to=%s subject=%r written to %s\n%s", to, subject, path, body)
        return

    await aiosmtplib.send(
        message,
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_user or None,
        password=settings.smtp_password or None,
        start_tls=settings.smtp_starttls,
        timeout=30,
    )
    log.info("mail to=%s subject=%r sent", to, subject)
