"""The landing page, the language switch and the health check."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, request, url_for

from saasaisite.htmx import redirect_to, render
from saasaisite.i18n import LANG_COOKIE, LOCALES
from saasaisite.i18n import gettext as _
from saasaisite.tenants import slug_problems_or_taken

bp = Blueprint("site", __name__)


@bp.route("/", methods=["GET", "POST"])
async def landing() -> Any:
    """Say what the product is and start a sign-up with a company and slug."""
    company = ""
    slug = ""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = await request.form
        company = data.get("company", "").strip()
        slug = data.get("slug", "").strip()
        if not company:
            errors["company"] = [_("Enter the name of your company.")]
        elif len(company) > 120:
            errors["company"] = [_("The name may be at most 120 characters long.")]
        slug_errors = await slug_problems_or_taken(slug)
        if slug_errors:
            errors["slug"] = slug_errors
        if not errors:
            return redirect_to(url_for("auth.register", slug=slug, company=company))

    page = await render(
        "site/landing.html", "signup", company=company, slug=slug, errors=errors
    )
    return page, 400 if errors else 200


@bp.route("/lang/<locale>")
async def switch_language(locale: str) -> Any:
    """Remember the chosen language and go back where the person was."""
    back = request.args.get("next", "/")
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    response = redirect_to(back)
    if locale in LOCALES:
        response.set_cookie(
            LANG_COOKIE, locale, max_age=365 * 86400, samesite="Lax", httponly=True
        )
    return response


@bp.route("/health")
async def health() -> dict[str, str]:
    """For load balancers: the process answers."""
    return {"status": "ok"}
