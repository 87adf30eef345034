"""Saved items: messages the team kept with a note, and turning them into chunks."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from quart import Response, g, render_template, request, url_for

from saasaisite.cabinet.blueprint import bp
from saasaisite.cabinet.prompt import append_chunks, split_into_chunks
from saasaisite.errors import NotFound
from saasaisite.htmx import is_htmx, redirect_to, render
from saasaisite.i18n import gettext as _
from saasaisite.models import Message, SavedItem

log = logging.getLogger(__name__)

NOTE_MAX_CHARS = 500


async def _item(item_id: uuid.UUID) -> SavedItem:
    item = await SavedItem.get_or_none(id=item_id)
    if item is None:
        raise NotFound()
    return item


async def _message(raw_id: str) -> Message:
    try:
        message_id = uuid.UUID(raw_id)
    except ValueError:
        raise NotFound() from None
    message = await Message.get_or_none(id=message_id)
    if message is None:
        raise NotFound()
    return message


async def _list_page(status: int = 200, **context: Any) -> Response:
    context.setdefault("notice", "")
    context.setdefault("error", "")
    page = await render(
        "cabinet/saved.html",
        "content",
        tenant=g.tenant,
        active="saved",
        items=await SavedItem.all().order_by("-created_at", "-id"),
        **context,
    )
    return Response(page, status=status)


@bp.route("/saved")
async def saved() -> Response:
    """The saved items, newest first."""
    deleted = request.args.get("deleted") == "1"
    return await _list_page(notice=_("The saved item is deleted.") if deleted else "")


@bp.route("/saved", methods=["POST"])
async def save_message() -> Response:
    """Keep a message (of a dialog or the admin chat) with a note."""
    form = await request.form
    message = await _message(form.get("message_id", ""))
    note = form.get("note", "").strip()
    if len(note) > NOTE_MAX_CHARS:
        problem = _(
            "A note holds at most %(limit)s characters; this one has %(count)s.",
            limit=NOTE_MAX_CHARS,
            count=len(note),
        )
        if is_htmx():
            fragment = await render_template(
                "cabinet/_saved_notice.html", error=problem
            )
            return Response(fragment, status=400)
        return await _list_page(400, error=problem)

    item = await SavedItem.create(message=message, content=message.content, note=note)
    log.info("message saved tenant=%s item=%s", item.tenant_id, item.id)
    if is_htmx():
        return Response(
            await render_template("cabinet/_saved_notice.html", item=item, error="")
        )
    return redirect_to(url_for("cabinet.saved_item", item_id=item.id))


@bp.route("/saved/<uuid:item_id>")
async def saved_item(item_id: uuid.UUID) -> str:
    """One saved item with its note."""
    item = await _item(item_id)
    return await render(
        "cabinet/saved_item.html",
        "content",
        tenant=g.tenant,
        active="saved",
        item=item,
        notice="",
    )


@bp.route("/saved/<uuid:item_id>/delete", methods=["POST"])
async def delete_saved_item(item_id: uuid.UUID) -> Response:
    """Delete a saved item (the message itself stays in its dialog)."""
    item = await _item(item_id)
    await item.delete()
    return redirect_to(url_for("cabinet.saved", deleted="1"))


@bp.route("/saved/<uuid:item_id>/to-prompt", methods=["POST"])
async def saved_to_prompt(item_id: uuid.UUID) -> str:
    """Append the item's text to the prompt, cut into chunks at sentence ends."""
    item = await _item(item_id)
    added = await append_chunks(split_into_chunks(item.content))
    notice = _("Chunks added at the end of the prompt: %(count)s.", count=added)
    return await render(
        "cabinet/saved_item.html",
        "content",
        tenant=g.tenant,
        active="saved",
        item=item,
        notice=notice,
    )
