"""The chat widget's settings, a section of the profile page (owner only)."""

from __future__ import annotations

import re

from quart import Response, g, request

from saasaisite.cabinet.blueprint import bp, require_owner
from saasaisite.cabinet.profile import _page as profile_page
from saasaisite.i18n import gettext as _
from saasaisite.models import Language, Tenant

BLOCK = "widget_form"
COLOR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}")
BOT_NAME_MAX = 80
GREETING_MAX = 500


def widget_problems(values: dict[str, str]) -> dict[str, str]:
    """A message for each widget setting that cannot be stored."""
    problems = {}
    if len(values["bot_name"]) > BOT_NAME_MAX:
        problems["bot_name"] = _(
            "The bot's name holds at most %(limit)s characters.", limit=BOT_NAME_MAX
        )
    if len(values["greeting"]) > GREETING_MAX:
        problems["greeting"] = _(
            "The greeting holds at most %(limit)s characters; this one has %(count)s.",
            limit=GREETING_MAX,
            count=len(values["greeting"]),
        )
    if not COLOR_PATTERN.fullmatch(values["accent_color"]):
        problems["accent_color"] = _(
            "Write the colour as # and six hexadecimal digits, like #2563eb."
        )
    if values["language"] not in {language.value for language in Language}:
        problems["language"] = _("Choose Russian or English.")
    return problems


@bp.route("/profile/widget", methods=["POST"])
async def change_widget() -> Response:
    """The owner sets the bot's name, greeting, colour, language and form."""
    require_owner()
    tenant: Tenant = g.tenant
    form = await request.form
    values = {
        "bot_name": form.get("bot_name", "").strip(),
        "greeting": form.get("greeting", "").strip(),
        "accent_color": form.get("accent_color", "").strip(),
        "language": form.get("language", ""),
        "contact_form": "on" if form.get("contact_form") else "",
    }
    if problems := widget_problems(values):
        return await profile_page(BLOCK, 400, errors=problems, values=values)

    tenant.bot_name = values["bot_name"]
    tenant.greeting = values["greeting"]
    tenant.accent_color = values["accent_color"].lower()
    tenant.language = Language(values["language"])
    tenant.contact_form = bool(values["contact_form"])
    await tenant.save(
        update_fields=[
            "bot_name",
            "greeting",
            "accent_color",
            "language",
            "contact_form",
        ]
    )
    return await profile_page(BLOCK, notice=_("The widget settings are saved."))
