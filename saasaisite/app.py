"""The application factory."""

from __future__ import annotations

import logging
from typing import Any

from quart import Quart, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from saasaisite import db
from saasaisite.config import PROJECT_ROOT, Settings, current_settings, load_settings
from saasaisite.errors import CSRFError, HTTPError
from saasaisite.htmx import render
from saasaisite.i18n import gettext, ngettext, select_locale
from saasaisite.security import csrf_matches, new_csrf_token
from saasaisite.tenancy import set_current_tenant

log = logging.getLogger(__name__)

CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def create_app(settings: Settings | None = None) -> Quart:
    """Build the app; tests pass their own settings."""
    settings = settings or load_settings()
    app = Quart(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config["SETTINGS"] = settings
    app.config["SECRET_KEY"] = settings.secret_key
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    app.config["TEMPLATES_AUTO_RELOAD"] = settings.development
    app.config["csrf_exempt"] = set()

    app.jinja_env.add_extension("jinja2.ext.i18n")
    # The extension's `{% trans %}` calls these globals; they format their own
    # variables (new-style gettext), so the whole output is still autoescaped.
    app.jinja_env.extend(newstyle_gettext=True)
    app.jinja_env.globals.update(gettext=gettext, _=gettext, ngettext=ngettext)

    @app.before_serving
    async def open_database() -> None:
        await db.connect(settings.database_url)

    @app.after_serving
    async def close_database() -> None:
        await db.disconnect()

    app.before_request(_prepare_request)
    app.after_request(_finish_response)
    _register_error_pages(app)
    _register_blueprints(app)

    return app


async def _prepare_request() -> None:
    """Pick the language, forget any tenant, and check the CSRF token."""
    set_current_tenant(None)
    g.locale = select_locale()
    g.csrf_token = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
    if request.method in SAFE_METHODS:
        return
    if request.endpoint in current_app.config["csrf_exempt"]:
        return
    form = await request.form
    given = request.headers.get(CSRF_HEADER) or form.get("csrf_token")
    if not csrf_matches(request.cookies.get(CSRF_COOKIE), given):
        raise CSRFError()


async def _finish_response(response: Response) -> Response:
    """Keep the CSRF cookie and forbid framing unless a view allowed it."""
    settings = current_settings()
    if request.cookies.get(CSRF_COOKIE) != g.get("csrf_token"):
        response.set_cookie(
            CSRF_COOKIE,
            g.csrf_token,
            httponly=True,
            samesite="Lax",
            secure=settings.secure_cookies,
        )
    if not g.get("allow_framing"):
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.vary.add("Cookie")
    return response


def _register_error_pages(app: Quart) -> None:
    titles = {
        403: lambda: gettext("Access denied"),
        404: lambda: gettext("Page not found"),
        405: lambda: gettext("This action is not allowed here"),
        500: lambda: gettext("Something went wrong"),
    }

    async def error_page(status: int) -> tuple[str, int]:
        title = titles.get(status, titles[500])()
        page = await render("errors/error.html", "content", status=status, title=title)
        return page, status

    @app.errorhandler(HTTPError)
    async def app_error(error: HTTPError) -> tuple[str, int]:
        return await error_page(error.status)

    @app.errorhandler(HTTPException)
    async def http_error(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        # Keep the status (413, 400, ...); a page title is only for the known ones.
        return await error_page(error.code)

    @app.errorhandler(Exception)
    async def unhandled(error: Exception) -> tuple[str, int]:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return await error_page(500)


def _register_blueprints(app: Quart) -> None:
    from saasaisite.auth.views import bp as auth_bp
    from saasaisite.cabinet.views import bp as cabinet_bp
    from saasaisite.chat.views import bp as chat_bp
    from saasaisite.site.views import bp as site_bp

    app.register_blueprint(site_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(cabinet_bp)
    app.register_blueprint(chat_bp)
