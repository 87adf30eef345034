"""The visitor's chat: the page, its iframe variant, messages and answers.

The chat runs inside other sites' iframes, where the SameSite=Lax CSRF
cookie is never sent, so its POST endpoints are exempt from the CSRF check.
They rely on the signed visitor token instead: a forged request from
another site cannot know it, and it only ever reaches that visitor's own
dialog.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup
from quart import Response, g, render_template, request, url_for
from quart.blueprints import BlueprintSetupState

from saasaisite import leads
from saasaisite.chat import answers
from saasaisite.chat.visitors import (
    TOKEN_HEADER,
    Visitor,
    given_token,
    new_visitor,
    read_visitor,
)
from saasaisite.config import current_settings
from saasaisite.errors import Forbidden, NotFound
from saasaisite.htmx import HX_RESWAP, HX_RETARGET, is_htmx, redirect_to
from saasaisite.i18n import gettext as _
from saasaisite.models import Dialog, DialogKind, Message, MessageRole, Tenant
from saasaisite.tenants import load_tenant, tenant_blueprint

bp = tenant_blueprint("chat", __name__, "/<slug>/chat")

CSRF_EXEMPT = {"chat.send", "chat.stop", "chat.contact"}
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
DEFAULT_ACCENT = "#2563eb"


@bp.record_once
def _exempt_from_csrf(state: BlueprintSetupState) -> None:
    state.app.config["csrf_exempt"].update(CSRF_EXEMPT)


bp.after_app_serving(answers.close_model_client)


@bp.before_request
async def enter_tenant() -> None:
    """Load the tenant of the path; the chat speaks the tenant's language."""
    tenant = await load_tenant(g.slug)
    g.locale = tenant.language.value


@bp.app_template_global("chat_answer_html")
def stored_answer_html(message: Message) -> Markup:
    """A stored answer as safe HTML, for any template (the cabinet's too)."""
    return answers.answer_html(message.content, message.status, answers.answer_notes())


def _colours(tenant: Tenant) -> tuple[str, str]:
    """The accent colour, and black or white ink, whichever reads on it."""
    accent = tenant.accent_color
    if not HEX_COLOUR.fullmatch(accent):
        accent = DEFAULT_ACCENT
    red, green, blue = (int(accent[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(channel: float) -> float:
        if channel <= 0.04045:
            return channel / 12.92
        return float(((channel + 0.055) / 1.055) ** 2.4)

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    # White text needs a dark enough accent for a 4.5:1 contrast.
    ink = "#ffffff" if (1.05 / (luminance + 0.05)) >= 4.5 else "#111111"
    return accent, ink


async def _visitor(tenant: Tenant) -> Visitor | None:
    """The visitor of the token sent, None without one; 403 for a bad one."""
    token = await given_token()
    if not token:
        return None
    return read_visitor(current_settings().secret_key, tenant, token)


async def _current_dialog(visitor: Visitor | None) -> Dialog | None:
    if visitor is None:
        return None
    return await (
        Dialog.filter(visitor_id=visitor.id, kind=DialogKind.VISITOR)
        .order_by("-created_at")
        .first()
    )


async def _bubbles_context(tenant: Tenant, visitor: Visitor | None) -> dict[str, Any]:
    dialog = await _current_dialog(visitor)
    messages = (
        await Message.filter(dialog_id=dialog.id).order_by("created_at")
        if dialog
        else []
    )
    return {"tenant": tenant, "messages": messages, "visitor": visitor}


async def _full_page(
    embed: bool, visitor: Visitor | None, text: str = "", error: str | None = None
) -> str:
    """The chat page, or its iframe variant, with the visitor's dialog."""
    tenant: Tenant = g.tenant
    accent, ink = _colours(tenant)
    context = await _bubbles_context(tenant, visitor)
    return await render_template(
        "chat/embed.html" if embed else "chat/page.html",
        embed=embed,
        accent=accent,
        accent_ink=ink,
        bot_name=tenant.bot_name or tenant.name,
        text=text,
        error=error,
        **context,
    )


async def _chat_page(embed: bool) -> str:
    # Without JavaScript the token comes back in the address after a post.
    visitor = await _visitor(g.tenant) if request.args.get("token") else None
    return await _full_page(embed, visitor)


@bp.route("")
async def page() -> Any:
    """The chat as a page of its own."""
    return await _chat_page(embed=False)


@bp.route("/embed")
async def embed() -> Any:
    """The chat made for an iframe on the tenant's site: any site may frame it."""
    g.allow_framing = True
    response = Response(await _chat_page(embed=True))
    response.headers["Content-Security-Policy"] = "frame-ancestors *"
    return response


@bp.route("/history")
async def history() -> Any:
    """The bubbles of the visitor's current dialog, for a page being loaded."""
    tenant: Tenant = g.tenant
    context = await _bubbles_context(tenant, await _visitor(tenant))
    return await render_template("chat/_log.html", **context)


async def _form_error(text: str, error: str, status: int, embed: bool) -> Any:
    """The form again, with the message kept and what is wrong with it."""
    if not is_htmx():
        return await _full_page(embed, None, text, error), status
    fragment = await render_template(
        "chat/_form.html", tenant=g.tenant, text=text, error=error, embed=embed
    )
    headers = {HX_RETARGET: "#chat-form", HX_RESWAP: "outerHTML"}
    return fragment, status, headers


def _page_address(value: str) -> str:
    """The page the chat was opened on, if it is a web address."""
    value = value.strip()[:2000]
    return value if value.startswith(("http://", "https://")) else ""


@bp.route("/messages", methods=["POST"])
async def send() -> Any:
    """Store the visitor's message and answer with a bubble that streams."""
    tenant: Tenant = g.tenant
    form = await request.form
    text = form.get("text", "")
    embed = form.get("mode") == "embed"
    problem = answers.message_problem(text)
    if problem:
        return await _form_error(text, problem, 400, embed)
    try:
        visitor = await _visitor(tenant)
    except Forbidden:
        refusal = _("This conversation cannot go on here. Start a new conversation.")
        return await _form_error(text, refusal, 403, embed)
    if visitor is None:
        visitor = new_visitor(current_settings().secret_key, tenant)
    dialog = await _current_dialog(visitor)
    if dialog is None:
        dialog = await Dialog.create(
            kind=DialogKind.VISITOR,
            visitor_id=visitor.id,
            started_on=_page_address(form.get("started_on", "")),
        )
    question, answer = await answers.post_message(dialog, text)

    if not is_htmx():
        endpoint = "chat.embed" if embed else "chat.page"
        return redirect_to(url_for(endpoint, token=visitor.token))
    fragment = await render_template(
        "chat/_exchange.html",
        tenant=tenant,
        messages=[question, answer],
        visitor=visitor,
    )
    return fragment, 200, {TOKEN_HEADER: visitor.token}


async def _visitor_answer(answer_id: uuid.UUID) -> tuple[Visitor, Message]:
    """An answer in the dialogs of the token's visitor; 404 for any other."""
    tenant: Tenant = g.tenant
    visitor = await _visitor(tenant)
    if visitor is None:
        raise NotFound()
    answer = await Message.get_or_none(
        id=answer_id,
        role=MessageRole.ASSISTANT,
        dialog__visitor_id=visitor.id,
        dialog__kind=DialogKind.VISITOR,
    )
    if answer is None:
        raise NotFound()
    return visitor, answer


@bp.route("/answers/<uuid:answer_id>/stream")
async def stream(answer_id: uuid.UUID) -> Response:
    """The answer as server-sent events (the token comes in the query)."""
    _owner, answer = await _visitor_answer(answer_id)
    return await answers.stream_answer(answer, g.tenant)


@bp.route("/answers/<uuid:answer_id>/stop", methods=["POST"])
async def stop(answer_id: uuid.UUID) -> Response:
    """End an answer that is still being written."""
    visitor, answer = await _visitor_answer(answer_id)
    await answers.stop_answer(answer)
    if is_htmx():
        return Response("", status=204)
    form = await request.form
    endpoint = "chat.embed" if form.get("mode") == "embed" else "chat.page"
    return redirect_to(url_for(endpoint, token=visitor.token))


@bp.route("/contact", methods=["POST"])
async def contact() -> Any:
    """The optional contact form: a name, an e-mail or phone, and consent."""
    tenant: Tenant = g.tenant
    if not tenant.contact_form:
        raise NotFound()
    form = await request.form
    name = form.get("name", "").strip()
    given = form.get("contact", "").strip()
    consent = form.get("consent") == "yes"
    errors: dict[str, str] = {}
    found = leads.parse_contact(given)
    if found is None:
        errors["contact"] = _("Enter an e-mail address or a phone number.")
    if len(name) > 120:
        errors["name"] = _("The name may be at most 120 characters long.")
    if not consent:
        errors["consent"] = _("Please agree, so that we may contact you.")
    if errors or found is None:
        context = {"name": name, "contact": given, "errors": errors, "sent": False}
        page = await render_template("chat/_contact.html", tenant=tenant, **context)
        return page, 400

    dialog = await _current_dialog(await _visitor(tenant))
    lead, created = await leads.save_lead(
        dialog,
        found,
        name=name,
        consent_text=consent_text(),
        consent_at=datetime.now(UTC),
    )
    if created:
        await leads.announce_lead(tenant, lead)
    context = {"name": "", "contact": "", "errors": {}, "sent": True}
    return await render_template("chat/_contact.html", tenant=tenant, **context)


def consent_text() -> str:
    """The consent sentence beside the checkbox, stored with the lead."""
    return _("I agree that this company may contact me about my question.")
