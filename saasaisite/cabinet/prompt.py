"""The prompt page: the bot's instructions as short chunks, in order.

Every change renders the page's one swappable region again (the list, the
form to add a chunk and the preview), so the positions shown are always the
ones stored. Positions are renumbered 0..n-1 after each change.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from quart import Response, g, request
from tortoise.transactions import in_transaction

from saasaisite.cabinet.blueprint import bp
from saasaisite.errors import NotFound
from saasaisite.htmx import render
from saasaisite.i18n import gettext as _
from saasaisite.models import CHUNK_MAX_CHARS, PromptChunk
from saasaisite.prompting import chunk_prompt

PAGE = "cabinet/prompt.html"
REGION = "region"
# A sentence ends at . ! ? or an ellipsis followed by white space.
SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+")


def text_problem(text: str) -> str | None:
    """Why a chunk's text cannot be stored, or None."""
    if not text.strip():
        return _("Write the text of the chunk.")
    if len(text) > CHUNK_MAX_CHARS:
        return _(
            "A chunk holds at most %(limit)s characters; this one has %(count)s. "
            "Shorten it or split it in two.",
            limit=CHUNK_MAX_CHARS,
            count=len(text),
        )
    return None


def split_into_chunks(text: str, limit: int = CHUNK_MAX_CHARS) -> list[str]:
    """Cut text into pieces of at most `limit` characters at sentence ends.

    A sentence longer than `limit` is cut at its last space that fits, or
    mid-word when it has none.
    """
    pieces: list[str] = []
    current = ""
    for sentence in SENTENCE_END.split(text.strip()):
        for part in _hard_split(sentence.strip(), limit):
            joined = f"{current} {part}" if current else part
            if len(joined) <= limit:
                current = joined
            else:
                pieces.append(current)
                current = part
    if current:
        pieces.append(current)

    return pieces


def _hard_split(sentence: str, limit: int) -> list[str]:
    parts = []
    while len(sentence) > limit:
        cut = sentence.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        parts.append(sentence[:cut].rstrip())
        sentence = sentence[cut:].lstrip()
    if sentence:
        parts.append(sentence)
    return parts


async def ordered_chunks() -> list[PromptChunk]:
    """The tenant's chunks in the order the bot reads them."""
    return await PromptChunk.all().order_by("position", "created_at")


async def append_chunks(texts: list[str]) -> int:
    """Add chunks after the last one; returns how many were added."""
    async with in_transaction():
        start = len(await ordered_chunks())
        for offset, text in enumerate(texts):
            await PromptChunk.create(text=text, position=start + offset)
    return len(texts)


async def _store_order(chunks: list[PromptChunk]) -> None:
    """Give the chunks positions 0..n-1 in the order of the list."""
    for index, chunk in enumerate(chunks):
        if chunk.position != index:
            await PromptChunk.filter(id=chunk.id).update(position=index)
            chunk.position = index


async def _chunk(chunk_id: uuid.UUID) -> PromptChunk:
    chunk = await PromptChunk.get_or_none(id=chunk_id)
    if chunk is None:
        raise NotFound()
    return chunk


async def _page(status: int = 200, **context: Any) -> Response:
    """The prompt page, or only its region when htmx asked."""
    chunks = await ordered_chunks()
    preview, is_default = await chunk_prompt()
    context.setdefault("errors", {})
    context.setdefault("values", {})
    context.setdefault("notice", "")
    context.setdefault("editing", None)
    context.setdefault("undo", None)
    context.setdefault("focus", "")
    page = await render(
        PAGE,
        REGION,
        tenant=g.tenant,
        active="prompt",
        chunks=chunks,
        preview=preview,
        preview_is_default=is_default,
        limit=CHUNK_MAX_CHARS,
        **context,
    )
    return Response(page, status=status)


@bp.route("/prompt")
async def prompt() -> Response:
    """Show the chunks, the form to add one and the assembled prompt."""
    editing = None
    if edit := request.args.get("edit"):
        try:
            editing = uuid.UUID(edit)
        except ValueError:
            raise NotFound() from None
        await _chunk(editing)
    return await _page(editing=editing)


@bp.route("/prompt/chunks", methods=["POST"])
async def add_chunk() -> Response:
    """Add a chunk at the end."""
    text = (await request.form).get("text", "").strip()
    if problem := text_problem(text):
        return await _page(400, errors={"new": problem}, values={"new": text})

    await append_chunks([text])
    return await _page(notice=_("The chunk is added."), focus="field-new")


@bp.route("/prompt/chunks/<uuid:chunk_id>", methods=["POST"])
async def edit_chunk(chunk_id: uuid.UUID) -> Response:
    """Replace a chunk's text."""
    chunk = await _chunk(chunk_id)
    text = (await request.form).get("text", "").strip()
    if problem := text_problem(text):
        return await _page(
            400, editing=chunk.id, errors={"edit": problem}, values={"edit": text}
        )

    chunk.text = text
    await chunk.save(update_fields=["text", "updated_at"])
    return await _page(notice=_("The chunk is saved."), focus=f"edit-{chunk.id}")


@bp.route("/prompt/chunks/<uuid:chunk_id>/delete", methods=["POST"])
async def delete_chunk(chunk_id: uuid.UUID) -> Response:
    """Delete a chunk; the page offers to bring it back."""
    chunk = await _chunk(chunk_id)
    async with in_transaction():
        await chunk.delete()
        await _store_order(await ordered_chunks())
    undo = {"text": chunk.text, "position": chunk.position}
    return await _page(notice=_("The chunk is deleted."), undo=undo, focus="undo")


@bp.route("/prompt/chunks/restore", methods=["POST"])
async def restore_chunk() -> Response:
    """Put a deleted chunk back where it was."""
    form = await request.form
    text = form.get("text", "").strip()
    if problem := text_problem(text):
        return await _page(400, errors={"new": problem}, values={"new": text})

    async with in_transaction():
        chunks = await ordered_chunks()
        position = _whole_number(form.get("position", ""))
        if position is None or not 0 <= position <= len(chunks):
            position = len(chunks)
        chunk = await PromptChunk.create(text=text, position=position)
        chunks.insert(position, chunk)
        await _store_order(chunks)
    return await _page(notice=_("The chunk is back."), focus=f"edit-{chunk.id}")


@bp.route("/prompt/chunks/<uuid:chunk_id>/move", methods=["POST"])
async def move_chunk(chunk_id: uuid.UUID) -> Response:
    """Move a chunk to a position counted from 1 (the up and down buttons)."""
    chunk = await _chunk(chunk_id)
    form = await request.form
    async with in_transaction():
        chunks = await ordered_chunks()
        wanted = _whole_number(form.get("position", ""))
        if wanted is None or not 1 <= wanted <= len(chunks):
            problem = _(
                "The position must be a number from 1 to %(count)s.", count=len(chunks)
            )
            return await _page(400, errors={"order": problem})
        index = next(i for i, item in enumerate(chunks) if item.id == chunk.id)
        chunks.insert(wanted - 1, chunks.pop(index))
        await _store_order(chunks)

    direction = form.get("direction", "")
    focus = f"{direction}-{chunk.id}" if direction in ("up", "down") else ""
    return await _page(
        notice=_("The chunk is now number %(position)s.", position=wanted),
        focus=focus,
    )


@bp.route("/prompt/order", methods=["POST"])
async def reorder_chunks() -> Response:
    """Store the order given by dragging: every chunk's id, once each."""
    raw = (await request.form).get("order", "")
    async with in_transaction():
        chunks = await ordered_chunks()
        by_id = {str(chunk.id): chunk for chunk in chunks}
        ids = [part.strip() for part in raw.split(",") if part.strip()]
        if sorted(ids) != sorted(by_id):
            problem = _(
                "The new order does not match the chunks on the page. "
                "Reload the page and try again."
            )
            return await _page(400, errors={"order": problem})
        await _store_order([by_id[chunk_id] for chunk_id in ids])

    return await _page(notice=_("The new order is saved."))


def _whole_number(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None
