"""Passwords, the session token, signed links and the CSRF token."""

from __future__ import annotations

import asyncio
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_hasher = PasswordHasher()
# Verified against when an e-mail is unknown, so that answer takes as long.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))

JWT_ALGORITHM = "HS256"


async def hash_password(password: str) -> str:
    """Hash off the event loop: argon2 is slow on purpose."""
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same time and say no."""

    def check() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return False

    matches = await asyncio.to_thread(check)
    return matches and password_hash is not None


@dataclass(frozen=True)
class SessionClaims:
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    version: int


def issue_session(
    secret: str, user_id: uuid.UUID, tenant_id: uuid.UUID, version: int, days: int
) -> str:
    """A signed session token for one user of one tenant."""
    now = datetime.now(UTC)
    payload = {
        "sub": str(user_id),
        "tenant_id": str(tenant_id),
        "ver": version,
        "iat": now,
        "exp": now + timedelta(days=days),
    }
    return jwt.encode(payload, secret, algorithm=JWT_ALGORITHM)


def read_session(secret: str, token: str) -> SessionClaims | None:
    """The claims of a valid, unexpired token, else None."""
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[JWT_ALGORITHM],
            options={"require": ["sub", "tenant_id", "ver", "exp"]},
        )
        return SessionClaims(
            user_id=uuid.UUID(payload["sub"]),
            tenant_id=uuid.UUID(payload["tenant_id"]),
            version=int(payload["ver"]),
        )
    except (jwt.InvalidTokenError, ValueError, TypeError):
        return None


class LinkError(Exception):
    """A signed link that is broken or too old."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


class Signer:
    """Signed, expiring values for links sent by e-mail."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def dumps(self, purpose: str, value: Any) -> str:
        return URLSafeTimedSerializer(self._secret, salt=purpose).dumps(value)

    def loads(self, purpose: str, token: str, max_age: timedelta) -> Any:
        serializer = URLSafeTimedSerializer(self._secret, salt=purpose)
        try:
            return serializer.loads(token, max_age=int(max_age.total_seconds()))
        except SignatureExpired:
            raise LinkError(expired=True) from None
        except BadSignature:
            raise LinkError(expired=False) from None


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))
