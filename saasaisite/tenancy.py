"""The tenant of the current request, kept in a context variable.

Tenant-scoped models read it (see `saasaisite.models`), so a view never
filters by tenant by hand and cannot forget to.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from saasaisite.errors import NoTenantInContext

_current_tenant_id: ContextVar[uuid.UUID | None] = ContextVar(
    "current_tenant_id", default=None
)


def current_tenant_id() -> uuid.UUID:
    """The tenant of this request; raises when there is none."""
    tenant_id = _current_tenant_id.get()
    if tenant_id is None:
        raise NoTenantInContext("no tenant in context for a tenant-scoped query")
    return tenant_id


def set_current_tenant(tenant_id: uuid.UUID | None) -> None:
    """Make `tenant_id` the tenant of the running task (one request)."""
    _current_tenant_id.set(tenant_id)


@contextmanager
def tenant_scope(tenant_id: uuid.UUID) -> Iterator[None]:
    """Run a block as the given tenant, restoring the previous one after."""
    token = _current_tenant_id.set(tenant_id)
    try:
        yield
    finally:
        _current_tenant_id.reset(token)
