"""Signed visitor tokens: who is chatting, without any cookie.

Browsers block third-party cookies in iframes, so the chat page keeps this
token in its own (partitioned) localStorage and sends it with each request.
The token names the tenant, so one tenant's token is worthless on another.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from quart import request

from saasaisite.errors import Forbidden
from saasaisite.models import Tenant
from saasaisite.security import LinkError, Signer

PURPOSE = "chat-visitor"
TOKEN_MAX_AGE = timedelta(days=365)
TOKEN_HEADER = "X-Visitor-Token"


@dataclass(frozen=True)
class Visitor:
    """A visitor of one tenant's chat and the token that proves it."""

    id: uuid.UUID
    token: str


def new_visitor(secret: str, tenant: Tenant) -> Visitor:
    """A fresh visitor of `tenant`, with a token for its browser to keep."""
    visitor_id = uuid.uuid4()
    token = Signer(secret).dumps(
        PURPOSE, {"tenant": str(tenant.id), "visitor": str(visitor_id)}
    )
    return Visitor(visitor_id, token)


def read_visitor(secret: str, tenant: Tenant, token: str) -> Visitor:
    """The visitor a token names; Forbidden if broken or of another tenant."""
    try:
        claims = Signer(secret).loads(PURPOSE, token, TOKEN_MAX_AGE)
        tenant_id = uuid.UUID(str(claims["tenant"]))
        visitor_id = uuid.UUID(str(claims["visitor"]))
    except (LinkError, KeyError, TypeError, ValueError):
        raise Forbidden() from None
    if tenant_id != tenant.id:
        raise Forbidden()
    return Visitor(visitor_id, token)


async def given_token() -> str:
    """The token sent with this request: header, form field or query."""
    if request.headers.get(TOKEN_HEADER):
        return request.headers[TOKEN_HEADER].strip()
    if request.method == "POST":
        form = await request.form
        if form.get("token"):
            return str(form["token"]).strip()
    return request.args.get("token", "").strip()
