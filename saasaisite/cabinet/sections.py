"""The cabinet's home page and the list of its sections."""

from __future__ import annotations

from quart import g

from saasaisite.cabinet.blueprint import bp
from saasaisite.htmx import render
from saasaisite.i18n import gettext as _


@bp.app_template_global("cabinet_sections")
def section_titles() -> dict[str, str]:
    """The cabinet's sections (endpoint: title) in the order of its navigation."""
    return {
        "dialogs": _("Dialogs"),
        "prompt": _("Prompt"),
        "embed": _("Embed on site"),
        "leads": _("Leads"),
        "admin_chat": _("Admin chat"),
        "saved": _("Saved"),
    }


@bp.route("")
async def home() -> str:
    """The cabinet's start page: where to go next."""
    return await render("cabinet/home.html", "content", tenant=g.tenant, active="home")
