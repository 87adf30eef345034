"""The cabinet's home and the sections whose features are still to come."""

from __future__ import annotations

from quart import g

from saasaisite.cabinet.blueprint import bp
from saasaisite.errors import NotFound
from saasaisite.htmx import render
from saasaisite.i18n import gettext as _


def section_titles() -> dict[str, str]:
    """The cabinet's sections in the order of its navigation, with titles."""
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


@bp.route("/<section>")
async def section(section: str) -> str:
    """A section that is not built yet says so plainly."""
    titles = section_titles()
    if section not in titles:
        raise NotFound()
    return await render(
        "cabinet/empty_section.html",
        "content",
        tenant=g.tenant,
        active=section,
        title=titles[section],
    )
