"""The exception tree of saasaisite; `saasaisite.app` turns it into HTTP."""

from __future__ import annotations


class SaasaisiteError(Exception):
    """Base of every error the app raises on purpose."""


class ConfigError(SaasaisiteError):
    """A setting is missing or wrong; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable} {problem}")
        self.variable = variable


class NoTenantInContext(SaasaisiteError):
    """A tenant-scoped model was used where no tenant is known."""


class HTTPError(SaasaisiteError):
    """An error that becomes an HTTP answer with a page for a person."""

    status = 500


class Forbidden(HTTPError):
    status = 403


class NotFound(HTTPError):
    status = 404


class CSRFError(Forbidden):
    """A state-changing request came without the page's CSRF token."""
