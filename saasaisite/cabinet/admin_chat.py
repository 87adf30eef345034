"""The admin chat: the team tries the bot under the tenant's current prompt.

It streams through the same answer service as the visitor chat. Its dialogs
are of kind "admin", belong to the person who chats, and stay out of the
visitor dialogs and the leads.
"""

from __future__ import annotations

import uuid
from typing import Any

from quart import Response, g, request, url_for

from saasaisite.cabinet.blueprint import bp, current_user
from saasaisite.chat import answers
from saasaisite.errors import NotFound
from saasaisite.htmx import HX_RESWAP, HX_RETARGET, is_htmx, redirect_to, render
from saasaisite.models import Dialog, DialogKind, Message, MessageRole

PAGE = "cabinet/admin_chat.html"


async def _current_dialog() -> Dialog | None:
    """The person's latest admin dialog, if any."""
    return await (
        Dialog.filter(kind=DialogKind.ADMIN, user_id=current_user().id)
        .order_by("-created_at")
        .first()
    )


async def _page(text: str = "", error: str | None = None, status: int = 200) -> Any:
    dialog = await _current_dialog()
    messages = await Message.filter(dialog_id=dialog.id) if dialog else []
    page = await render(
        PAGE,
        "content",
        tenant=g.tenant,
        active="admin_chat",
        messages=messages,
        text=text,
        error=error,
    )
    return page, status


@bp.route("/chat")
async def admin_chat() -> Any:
    """The admin chat with the person's current dialog."""
    return await _page()


@bp.route("/chat/messages", methods=["POST"])
async def admin_send() -> Any:
    """Store the message and answer with a bubble that streams."""
    text = (await request.form).get("text", "")
    problem = answers.message_problem(text)
    if problem:
        if not is_htmx():
            return await _page(text, problem, 400)
        form = await render(PAGE, "form", text=text, error=problem)
        return form, 400, {HX_RETARGET: "#admin-chat-form", HX_RESWAP: "outerHTML"}

    dialog = await _current_dialog()
    if dialog is None:
        dialog = await Dialog.create(kind=DialogKind.ADMIN, user=current_user())
    question, answer = await answers.post_message(dialog, text)
    if not is_htmx():
        return redirect_to(url_for("cabinet.admin_chat"))
    return await render(PAGE, "exchange", messages=[question, answer])


async def _own_answer(answer_id: uuid.UUID) -> Message:
    """An answer in one of the person's own admin dialogs; 404 otherwise."""
    answer = await Message.get_or_none(
        id=answer_id,
        role=MessageRole.ASSISTANT,
        dialog__kind=DialogKind.ADMIN,
        dialog__user_id=current_user().id,
    )
    if answer is None:
        raise NotFound()
    return answer


@bp.route("/chat/answers/<uuid:answer_id>/stream")
async def admin_stream(answer_id: uuid.UUID) -> Response:
    """The answer as server-sent events."""
    return await answers.stream_answer(await _own_answer(answer_id), g.tenant)


@bp.route("/chat/answers/<uuid:answer_id>/stop", methods=["POST"])
async def admin_stop(answer_id: uuid.UUID) -> Response:
    """End an answer that is still being written."""
    await answers.stop_answer(await _own_answer(answer_id))
    if is_htmx():
        return Response("", status=204)
    return redirect_to(url_for("cabinet.admin_chat"))


@bp.route("/chat/new", methods=["POST"])
async def admin_start_over() -> Response:
    """Start over: a new, empty admin dialog (the old one stays stored)."""
    await Dialog.create(kind=DialogKind.ADMIN, user=current_user())
    return redirect_to(url_for("cabinet.admin_chat"))
