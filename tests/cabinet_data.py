"""Rows for the cabinet's tests, written as the chat would write them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from saasaisite.models import (
    Dialog,
    DialogKind,
    Lead,
    LeadStatus,
    Message,
    MessageRole,
    MessageStatus,
    PromptChunk,
    SavedItem,
    Tenant,
)
from saasaisite.tenancy import tenant_scope


async def make_chunks(tenant: Tenant, *texts: str) -> list[PromptChunk]:
    with tenant_scope(tenant.id):
        return [
            await PromptChunk.create(text=text, position=index)
            for index, text in enumerate(texts)
        ]


async def chunk_texts(tenant: Tenant) -> list[str]:
    """The tenant's chunk texts in stored order."""
    with tenant_scope(tenant.id):
        chunks = await PromptChunk.all().order_by("position")
    return [chunk.text for chunk in chunks]


async def make_dialog(
    tenant: Tenant,
    *texts: str,
    minutes_ago: int = 0,
    has_lead: bool = False,
    kind: DialogKind = DialogKind.VISITOR,
    started_on: str = "https://shop.example/prices",
) -> Dialog:
    """A dialog where the visitor and the bot take turns saying `texts`."""
    when = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    with tenant_scope(tenant.id):
        dialog = await Dialog.create(
            kind=kind,
            started_on=started_on,
            preview=texts[0][:200] if texts else "",
            message_count=len(texts),
            has_lead=has_lead,
        )
        dialog.last_activity_at = when
        await dialog.save(update_fields=["last_activity_at"])
        for index, text in enumerate(texts):
            await add_message(
                tenant,
                dialog,
                text,
                role=MessageRole.USER if index % 2 == 0 else MessageRole.ASSISTANT,
            )
    return dialog


async def add_message(
    tenant: Tenant,
    dialog: Dialog,
    text: str,
    *,
    role: MessageRole = MessageRole.USER,
    status: MessageStatus = MessageStatus.DONE,
) -> Message:
    with tenant_scope(tenant.id):
        return await Message.create(
            dialog=dialog, role=role, content=text, status=status
        )


async def make_lead(
    tenant: Tenant,
    contact: str,
    *,
    name: str = "",
    dialog: Dialog | None = None,
    status: LeadStatus = LeadStatus.NEW,
) -> Lead:
    with tenant_scope(tenant.id):
        return await Lead.create(
            contact=contact,
            email=contact if "@" in contact else "",
            phone="" if "@" in contact else contact,
            name=name,
            dialog=dialog,
            status=status,
        )


async def make_saved(tenant: Tenant, content: str, note: str = "") -> SavedItem:
    with tenant_scope(tenant.id):
        return await SavedItem.create(content=content, note=note)
