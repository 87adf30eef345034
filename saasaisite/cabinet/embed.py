"""The "embed on site" page: the iframe code, the floating button, a preview."""

from __future__ import annotations

from quart import g, url_for

from saasaisite.cabinet.blueprint import bp
from saasaisite.config import current_settings
from saasaisite.htmx import render
from saasaisite.i18n import gettext as _
from saasaisite.models import Tenant

IFRAME_WIDTH = 400
IFRAME_HEIGHT = 600


def embed_url(tenant: Tenant) -> str:
    """The public address of the tenant's chat for an iframe."""
    return current_settings().base_url + f"/{tenant.slug}/chat/embed"


def iframe_code(tenant: Tenant) -> str:
    """The HTML a site pastes to show the chat in place."""
    title = _("Chat with %(name)s", name=tenant.bot_name or tenant.name)
    return (
        f'<iframe src="{embed_url(tenant)}" title="{_attribute(title)}" '
        f'width="{IFRAME_WIDTH}" height="{IFRAME_HEIGHT}" '
        'style="border: 1px solid #d9e2ec; border-radius: 12px; max-width: 100%;" '
        'loading="lazy" allow="clipboard-write"></iframe>'
    )


def script_code(tenant: Tenant) -> str:
    """The one line that adds a floating chat button to a site."""
    source = current_settings().base_url + url_for("static", filename="embed.js")
    label = _("Chat with %(name)s", name=tenant.bot_name or tenant.name)
    return (
        f'<script src="{source}" data-slug="{tenant.slug}" '
        f'data-label="{_attribute(label)}" data-color="{tenant.accent_color}" '
        "async></script>"
    )


def _attribute(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


@bp.route("/embed")
async def embed() -> str:
    """Show the code to paste into a site and a live preview of the chat."""
    tenant: Tenant = g.tenant
    return await render(
        "cabinet/embed.html",
        "content",
        tenant=tenant,
        active="embed",
        iframe_code=iframe_code(tenant),
        script_code=script_code(tenant),
        embed_url=embed_url(tenant),
    )
