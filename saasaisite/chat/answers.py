"""The answer service: store a message, stream the bot's answer over SSE.

The visitor chat and the cabinet's admin chat both use it:

- `post_message(dialog, text)` stores the person's message and an answer
  waiting as "pending", and returns both;
- `stream_answer(answer, tenant)` returns the SSE response that writes that
  answer. Exactly one request claims a pending answer (an UPDATE that only
  one wins, across workers too) and calls the model; any other request for
  it, such as an EventSource that reconnects, replays what is stored.

An answer is saved as it grows, and when it ends: done, cut short (the
person left or pressed stop) or failed (the model did not answer).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta

from markupsafe import Markup
from openai.types.chat import ChatCompletionMessageParam
from quart import Response, current_app
from tortoise.expressions import F

from saasaisite import leads
from saasaisite.chat.llm import ModelClient, ModelError
from saasaisite.chat.markdown import render_markdown
from saasaisite.chat.offline import offline_answer, stream_text
from saasaisite.config import current_settings
from saasaisite.i18n import gettext as _
from saasaisite.models import (
    Dialog,
    DialogKind,
    Message,
    MessageRole,
    MessageStatus,
    PromptChunk,
    Tenant,
)
from saasaisite.prompting import system_prompt
from saasaisite.tenancy import tenant_scope

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
PREVIEW_CHARS = 120
# The recent messages sent to the model, newest first, up to this many chars.
HISTORY_BUDGET_CHARS = 12_000
KEEP_ALIVE_SECONDS = 15.0
# How often a streaming answer is saved, which is also how soon a stop
# pressed in another request (or worker) is noticed.
CHECKPOINT_SECONDS = 1.0
POLL_SECONDS = 0.5
FINAL_STATUSES = (MessageStatus.DONE, MessageStatus.CUT_SHORT, MessageStatus.FAILED)
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
MODEL_CLIENT_KEY = "saasaisite.chat.model"


def message_problem(text: str) -> str | None:
    """Why a message cannot be sent, for the person; None when it can."""
    if not text.strip():
        return _("Type a message first.")
    if len(text) > MAX_MESSAGE_CHARS:
        return _(
            "The message is too long: %(count)s characters, at most %(limit)s.",
            count=len(text),
            limit=MAX_MESSAGE_CHARS,
        )
    return None


async def post_message(dialog: Dialog, text: str) -> tuple[Message, Message]:
    """Store a person's message and a pending answer; keep the dialog current."""
    text = text.strip()
    # An answer never streamed (the page closed at once) must not wait forever.
    await Message.filter(dialog_id=dialog.id, status=MessageStatus.PENDING).update(
        status=MessageStatus.CUT_SHORT
    )
    question = await Message.create(
        dialog=dialog, role=MessageRole.USER, content=text, status=MessageStatus.DONE
    )
    answer = await Message.create(
        dialog=dialog,
        role=MessageRole.ASSISTANT,
        content="",
        status=MessageStatus.PENDING,
    )
    now = datetime.now(UTC)
    await Dialog.filter(id=dialog.id).update(
        message_count=F("message_count") + 2, last_activity_at=now
    )
    await Dialog.filter(id=dialog.id, preview="").update(preview=text[:PREVIEW_CHARS])
    if dialog.kind == DialogKind.VISITOR:
        await leads.record_contacts(dialog, text)
    return question, answer


def answer_notes() -> dict[MessageStatus, str]:
    """The sentence shown under an answer that did not end normally."""
    return {
        MessageStatus.FAILED: _(
            "Sorry, the answer could not be completed. Please try again."
        ),
        MessageStatus.CUT_SHORT: _("The answer was stopped."),
    }


def answer_html(
    content: str, status: MessageStatus, notes: Mapping[MessageStatus, str]
) -> Markup:
    """An answer as safe HTML, with the note its status calls for."""
    html = render_markdown(content)
    note = notes.get(status)
    if note:
        html += Markup('<p class="bubble__note">{}</p>').format(note)
    return html


def model_client() -> ModelClient | None:
    """The app's shared client for the model; None when no key is set."""
    settings = current_settings()
    if not settings.openai_api_key:
        return None
    client: ModelClient | None = current_app.extensions.get(MODEL_CLIENT_KEY)
    if client is None:
        client = ModelClient(settings)
        current_app.extensions[MODEL_CLIENT_KEY] = client
    return client


async def close_model_client() -> None:
    """Close the shared client when the app stops serving."""
    client: ModelClient | None = current_app.extensions.pop(MODEL_CLIENT_KEY, None)
    if client is not None:
        await client.close()


async def stream_answer(answer: Message, tenant: Tenant) -> Response:
    """The SSE response for an answer: write it, or replay it if taken."""
    settings = current_settings()
    notes = answer_notes()
    claimed = await Message.filter(id=answer.id, status=MessageStatus.PENDING).update(
        status=MessageStatus.STREAMING, updated_at=datetime.now(UTC)
    )
    if claimed:
        source = await _answer_source(answer, tenant)
        writer = _AnswerWriter(answer, tenant, notes)
        body = writer.events(source)
    else:
        stale_after = settings.openai_timeout + 30
        body = _replay(answer.id, tenant.id, notes, stale_after)

    response = Response(body, mimetype="text/event-stream", headers=SSE_HEADERS)
    # Quart would cut the stream after RESPONSE_TIMEOUT (60 s) otherwise.
    response.timeout = None
    return response


async def stop_answer(answer: Message) -> bool:
    """Mark an unfinished answer as cut short; its writer stops soon after."""
    stopped = await Message.filter(
        id=answer.id, status__in=[MessageStatus.PENDING, MessageStatus.STREAMING]
    ).update(status=MessageStatus.CUT_SHORT, updated_at=datetime.now(UTC))
    return bool(stopped)


async def model_messages(
    tenant: Tenant, dialog_id: uuid.UUID, question: str
) -> list[ChatCompletionMessageParam]:
    """The system prompt and the dialog's recent turns, within the budget."""
    history = await Message.filter(
        dialog_id=dialog_id,
        status__in=[MessageStatus.DONE, MessageStatus.CUT_SHORT],
    ).order_by("-created_at")
    turns: list[ChatCompletionMessageParam] = []
    used = 0
    for message in history:
        if not message.content:
            continue
        used += len(message.content)
        if used > HISTORY_BUDGET_CHARS and turns:
            break
        if message.role == MessageRole.USER:
            turns.append({"role": "user", "content": message.content})
        else:
            turns.append({"role": "assistant", "content": message.content})
    turns.reverse()

    prompt = await system_prompt(tenant, question)
    return [{"role": "system", "content": prompt}, *turns]


async def _answer_source(answer: Message, tenant: Tenant) -> AsyncIterator[str]:
    """What will write the answer: the model, or the offline responder."""
    question = await (
        Message.filter(dialog_id=answer.dialog_id, role=MessageRole.USER)
        .order_by("-created_at")
        .first()
    )
    question_text = question.content if question else ""
    client = model_client()
    if client is None:
        chunks = await PromptChunk.all().values_list("text", flat=True)
        return stream_text(offline_answer([str(c) for c in chunks], question_text))

    messages = await model_messages(tenant, answer.dialog_id, question_text)
    return client.stream(messages)


def sse_event(name: str, data: str = "") -> bytes:
    """One server-sent event; each line of `data` gets its own field."""
    lines = "".join(f"data: {line}\n" for line in data.split("\n"))
    return f"event: {name}\n{lines}\n".encode()


def update_interval(length: int) -> float:
    """Seconds between two renders of a growing answer of `length` chars.

    The whole answer is re-rendered each time so its Markdown is always
    right; a longer answer is sent less often to bound that work.
    """
    return min(0.5, 0.1 + length / 25_000)


class _AnswerWriter:
    """Relays the model's text to one client and keeps the stored answer."""

    def __init__(
        self, answer: Message, tenant: Tenant, notes: Mapping[MessageStatus, str]
    ) -> None:
        self.answer_id = answer.id
        self.dialog_id = answer.dialog_id
        self.tenant_id = tenant.id
        self.notes = notes
        self.text = ""
        self.saved_text = ""

    async def events(self, source: AsyncIterator[str]) -> AsyncIterator[bytes]:
        """The SSE events of the answer as the model writes it."""
        queue: asyncio.Queue[str | ModelError | None] = asyncio.Queue()
        # The model is read in a task of its own, so a silent model can be
        # waited for with a timeout without cancelling its stream.
        producer = asyncio.create_task(_pump(source, queue))
        loop = asyncio.get_running_loop()
        sent_at = saved_at = written_at = loop.time()
        sent_text = ""
        status: MessageStatus | None = None
        try:
            while status is None:
                try:
                    item = await asyncio.wait_for(queue.get(), CHECKPOINT_SECONDS)
                except TimeoutError:
                    item = ""
                    if producer.done() and queue.empty():
                        producer.result()
                        item = None
                if item is None:
                    status = MessageStatus.DONE
                    break
                if isinstance(item, ModelError):
                    self._log_failure(item)
                    status = MessageStatus.FAILED
                    break
                self.text += item

                now = loop.time()
                if self.text != sent_text and now - sent_at >= update_interval(
                    len(self.text)
                ):
                    yield sse_event("answer", render_markdown(self.text))
                    sent_text, sent_at = self.text, now
                    written_at = now
                elif now - written_at >= KEEP_ALIVE_SECONDS:
                    yield b": keep-alive\n\n"
                    written_at = now
                if now - saved_at >= CHECKPOINT_SECONDS:
                    saved_at = now
                    if not await self._checkpoint():
                        status = MessageStatus.CUT_SHORT

            final = await asyncio.shield(self._finish(status))
            html = answer_html(self.text, final, self.notes)
            yield sse_event("answer", html)
            yield sse_event("end")
        except (asyncio.CancelledError, GeneratorExit):
            # The client went away: keep what it was shown, then let go.
            if status is None:
                status = MessageStatus.CUT_SHORT
                await asyncio.shield(self._finish(status))
            raise
        finally:
            producer.cancel()
            if status is None:
                # Anything unexpected: the answer must not stay "streaming".
                await asyncio.shield(self._finish(MessageStatus.FAILED))

    async def _checkpoint(self) -> bool:
        """Save the answer so far; False when it was stopped meanwhile."""
        with tenant_scope(self.tenant_id):
            query = Message.filter(id=self.answer_id, status=MessageStatus.STREAMING)
            if self.text == self.saved_text:
                return await query.exists()
            updated = await query.update(
                content=self.text, updated_at=datetime.now(UTC)
            )
        self.saved_text = self.text
        return bool(updated)

    async def _finish(self, status: MessageStatus) -> MessageStatus:
        """Store the final answer; a stop pressed meanwhile keeps its status."""
        now = datetime.now(UTC)
        with tenant_scope(self.tenant_id):
            ended = await Message.filter(
                id=self.answer_id, status=MessageStatus.STREAMING
            ).update(content=self.text, status=status, updated_at=now)
            if not ended:
                await Message.filter(id=self.answer_id).update(
                    content=self.text, updated_at=now
                )
                status = MessageStatus.CUT_SHORT
            await Dialog.filter(id=self.dialog_id).update(last_activity_at=now)
        return status

    def _log_failure(self, error: ModelError) -> None:
        log.warning(
            "answer failed tenant=%s dialog=%s answer=%s: %s",
            self.tenant_id,
            self.dialog_id,
            self.answer_id,
            error,
        )


async def _pump(
    source: AsyncIterator[str], queue: asyncio.Queue[str | ModelError | None]
) -> None:
    """Move the model's text into the queue; a failure goes in as a value."""
    try:
        async for piece in source:
            queue.put_nowait(piece)
    except ModelError as error:
        queue.put_nowait(error)
        return
    queue.put_nowait(None)


async def _replay(
    answer_id: uuid.UUID,
    tenant_id: uuid.UUID,
    notes: Mapping[MessageStatus, str],
    stale_after: float,
) -> AsyncIterator[bytes]:
    """Send a stored answer; follow one another request is still writing."""
    loop = asyncio.get_running_loop()
    written_at = loop.time()
    sent = None
    while True:
        with tenant_scope(tenant_id):
            answer = await Message.get_or_none(id=answer_id)
        if answer is None:
            yield sse_event("end")
            return
        age = datetime.now(UTC) - answer.updated_at
        # A writer that died (its worker stopped) leaves the answer as it was.
        if answer.status in FINAL_STATUSES or age > timedelta(seconds=stale_after):
            yield sse_event("answer", answer_html(answer.content, answer.status, notes))
            yield sse_event("end")
            return

        now = loop.time()
        if answer.content != sent:
            yield sse_event("answer", render_markdown(answer.content))
            sent, written_at = answer.content, now
        elif now - written_at >= KEEP_ALIVE_SECONDS:
            yield b": keep-alive\n\n"
            written_at = now
        await asyncio.sleep(POLL_SECONDS)
