"""Visitor dialogs: the list with search, one transcript, and deletion.

The list pages by a keyset (the last row's activity time and id) rather than
an offset, so a page deep in 10,000 dialogs costs what the first one does.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from quart import Response, g, request, url_for
from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from saasaisite.cabinet.blueprint import bp
from saasaisite.cabinet.leads_page import lead_status_labels
from saasaisite.errors import NotFound
from saasaisite.htmx import redirect_to, render
from saasaisite.models import Dialog, DialogKind, Lead, Message, MessageStatus

log = logging.getLogger(__name__)

PAGE_SIZE = 50
SEARCH_MAX_CHARS = 200
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# An answer in any other status may still change, so the page polls for it.
SETTLED = frozenset({MessageStatus.DONE, MessageStatus.CUT_SHORT, MessageStatus.FAILED})


@dataclass(frozen=True)
class Cursor:
    """Where a page of the list ends: its last row's activity time and id."""

    when: datetime
    dialog_id: uuid.UUID

    def __str__(self) -> str:
        # Whole microseconds since the epoch: exact, and safe in a URL.
        micros = (self.when - EPOCH) // timedelta(microseconds=1)
        return f"{micros}_{self.dialog_id}"

    @classmethod
    def parse(cls, raw: str) -> Cursor | None:
        micros, _sep, dialog_id = raw.partition("_")
        try:
            when = EPOCH + timedelta(microseconds=int(micros))
            return cls(when, uuid.UUID(dialog_id))
        except (ValueError, OverflowError):
            return None


async def dialog_page(
    *, search: str = "", with_lead: bool = False, after: Cursor | None = None
) -> tuple[list[Dialog], Cursor | None]:
    """One page of visitor dialogs, newest activity first, and the next cursor."""
    query = Dialog.filter(kind=DialogKind.VISITOR)
    if with_lead:
        query = query.filter(has_lead=True)
    if search:
        matching = Message.filter(content__icontains=search).values("dialog_id")
        query = query.filter(id__in=Subquery(matching))
    if after is not None:
        # The first condition alone lets the database walk its index from the
        # cursor; the second breaks ties between equal times.
        query = query.filter(last_activity_at__lte=after.when).filter(
            Q(last_activity_at__lt=after.when) | Q(id__lt=after.dialog_id)
        )
    rows = await query.order_by("-last_activity_at", "-id").limit(PAGE_SIZE + 1)

    if len(rows) <= PAGE_SIZE:
        return rows, None
    rows = rows[:PAGE_SIZE]
    return rows, Cursor(rows[-1].last_activity_at, rows[-1].id)


async def visitor_dialog(dialog_id: uuid.UUID) -> Dialog:
    """The tenant's visitor dialog with this id; 404 for anything else."""
    dialog = await Dialog.get_or_none(id=dialog_id, kind=DialogKind.VISITOR)
    if dialog is None:
        raise NotFound()
    return dialog


def split_settled(messages: list[Message]) -> tuple[list[Message], list[Message]]:
    """The messages before the first one still being written, and the rest."""
    for index, message in enumerate(messages):
        if message.status not in SETTLED:
            return messages[:index], messages[index:]
    return messages, []


async def messages_after(dialog: Dialog, last: Message | None) -> list[Message]:
    """The dialog's messages in order, only those after `last` when given."""
    query = Message.filter(dialog_id=dialog.id)
    if last is not None:
        query = query.filter(
            Q(created_at__gt=last.created_at)
            | Q(created_at=last.created_at, id__gt=last.id)
        )
    return await query.order_by("created_at", "id")


def _list_filters() -> tuple[str, bool, Cursor | None]:
    search = request.args.get("q", "").strip()[:SEARCH_MAX_CHARS]
    with_lead = request.args.get("lead") == "1"
    raw_after = request.args.get("after", "")
    after = Cursor.parse(raw_after) if raw_after else None
    if raw_after and after is None:
        raise NotFound()
    return search, with_lead, after


@bp.route("/dialogs")
async def dialogs() -> str:
    """The tenant's visitor dialogs, newest first, with search and paging."""
    search, with_lead, after = _list_filters()
    rows, next_cursor = await dialog_page(
        search=search, with_lead=with_lead, after=after
    )
    # Scrolling asks for the next rows only; the search form for the results.
    block = "rows" if after is not None else "results"
    return await render(
        "cabinet/dialogs.html",
        block,
        tenant=g.tenant,
        active="dialogs",
        rows=rows,
        search=search,
        with_lead=with_lead,
        after=after,
        next_url=_next_url(search, with_lead, next_cursor),
        deleted=request.args.get("deleted") == "1",
    )


def _next_url(search: str, with_lead: bool, cursor: Cursor | None) -> str | None:
    if cursor is None:
        return None
    args: dict[str, Any] = {"after": str(cursor)}
    if search:
        args["q"] = search
    if with_lead:
        args["lead"] = "1"
    return url_for("cabinet.dialogs", **args)


@bp.route("/dialogs/<uuid:dialog_id>")
async def dialog(dialog_id: uuid.UUID) -> str:
    """A dialog's transcript, its first page and its lead."""
    found = await visitor_dialog(dialog_id)
    settled, tail = split_settled(await messages_after(found, None))
    leads = await Lead.filter(dialog_id=found.id).order_by("created_at")
    return await render(
        "cabinet/dialog.html",
        "content",
        tenant=g.tenant,
        active="dialogs",
        dialog=found,
        settled=settled,
        tail=tail,
        last=settled[-1] if settled else None,
        leads=leads,
        status_labels=lead_status_labels(),
        started_on_is_link=found.started_on.startswith(("http://", "https://")),
    )


@bp.route("/dialogs/<uuid:dialog_id>/live")
async def live_messages(dialog_id: uuid.UUID) -> Response:
    """The messages after the last settled one shown, for the page's polling."""
    found = await visitor_dialog(dialog_id)
    last = None
    if raw_last := request.args.get("after", ""):
        try:
            last = await Message.get_or_none(id=uuid.UUID(raw_last), dialog_id=found.id)
        except ValueError:
            last = None
        if last is None:
            raise NotFound()
    settled, tail = split_settled(await messages_after(found, last))
    if not settled and not tail:
        # Nothing new: htmx keeps the page as it is and asks again later.
        return Response("", status=204)

    page = await render(
        "cabinet/dialog.html",
        "live",
        dialog=found,
        fresh=settled,
        tail=tail,
        last=settled[-1] if settled else last,
    )
    return Response(page)


@bp.route("/dialogs/<uuid:dialog_id>/delete")
async def confirm_delete_dialog(dialog_id: uuid.UUID) -> str:
    """Ask before deleting a dialog (the way without JavaScript)."""
    found = await visitor_dialog(dialog_id)
    return await render(
        "cabinet/dialog_delete.html",
        "content",
        tenant=g.tenant,
        active="dialogs",
        dialog=found,
    )


@bp.route("/dialogs/<uuid:dialog_id>/delete", methods=["POST"])
async def delete_dialog(dialog_id: uuid.UUID) -> Response:
    """Delete a dialog and its messages; its lead stays, marked as such."""
    found = await visitor_dialog(dialog_id)
    async with in_transaction():
        await Lead.filter(dialog_id=found.id).update(dialog_removed=True)
        await found.delete()
    log.info("dialog deleted tenant=%s dialog=%s", found.tenant_id, found.id)
    return redirect_to(url_for("cabinet.dialogs", deleted="1"))
