"""The core data model.

Every row of tenant data lives in a `TenantScoped` model. Its manager adds
the tenant of the current request to every query and refuses to run with no
tenant in context, and saving a new row takes that tenant too.

Model docstrings become table comments, and Tortoise 1.1.9 splits SQLite
migration scripts at every semicolon, so no docstring here may hold one.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any, Self

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.manager import Manager
from tortoise.models import Model
from tortoise.queryset import QuerySet

from saasaisite.errors import NoTenantInContext
from saasaisite.tenancy import current_tenant_id

CHUNK_MAX_CHARS = 500


class TenantManager(Manager):
    """Query only the rows of the tenant in context."""

    def get_queryset(self) -> QuerySet[Any]:
        return QuerySet(self._model).filter(tenant_id=current_tenant_id())


class TenantScoped(Model):
    """A model whose rows belong to one tenant."""

    tenant_id: uuid.UUID

    class Meta:
        abstract = True

    @classmethod
    def unscoped(cls) -> QuerySet[Self]:
        """Every tenant's rows: for maintenance and tests, never for a view."""
        return QuerySet(cls)

    async def save(
        self,
        using_db: BaseDBAsyncClient | None = None,
        update_fields: Any = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        tenant_id = current_tenant_id()
        if getattr(self, "tenant_id", None) is None:
            self.tenant_id = tenant_id
        elif self.tenant_id != tenant_id:
            raise NoTenantInContext(
                f"{type(self).__name__} of tenant {self.tenant_id} "
                f"saved as tenant {tenant_id}"
            )
        await super().save(using_db, update_fields, force_create, force_update)

    async def delete(self, using_db: BaseDBAsyncClient | None = None) -> None:
        # A row loaded in another tenant's block must not be deleted from this one.
        if self.tenant_id != current_tenant_id():
            raise NoTenantInContext(
                f"{type(self).__name__} of tenant {self.tenant_id} "
                f"deleted as tenant {current_tenant_id()}"
            )
        await super().delete(using_db)


class Language(StrEnum):
    RU = "ru"
    EN = "en"


class Role(StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class DialogKind(StrEnum):
    VISITOR = "visitor"
    ADMIN = "admin"


class MessageRole(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"


class MessageStatus(StrEnum):
    # An answer waits as "pending" until one stream request claims it.
    PENDING = "pending"
    STREAMING = "streaming"
    DONE = "done"
    CUT_SHORT = "cut_short"
    FAILED = "failed"


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    WON = "won"
    LOST = "lost"


class Tenant(Model):
    """A business that signed up under its own slug."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    slug = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=120)
    bot_name = fields.CharField(max_length=80, default="")
    greeting = fields.CharField(max_length=500, default="")
    accent_color = fields.CharField(max_length=7, default="#2563eb")
    language = fields.CharEnumField(Language, max_length=2, default=Language.RU)
    contact_form = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tenant"


class User(TenantScoped):
    """A person who works in a tenant's cabinet."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="users", on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=254)
    name = fields.CharField(max_length=120)
    password_hash = fields.CharField(max_length=200)
    role = fields.CharEnumField(Role, max_length=10, default=Role.MEMBER)
    confirmed_at = fields.DatetimeField(null=True)
    # Raised when the password changes, so every older session token is refused.
    session_version = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "app_user"
        unique_together = (("tenant", "email"),)
        manager = TenantManager()

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


class Invitation(TenantScoped):
    """The owner's permission for one e-mail address to register."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="invitations", on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=254)
    invited_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User",
        related_name="invitations_sent",
        null=True,
        on_delete=fields.SET_NULL,
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    accepted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "invitation"
        unique_together = (("tenant", "email"),)
        manager = TenantManager()


class PromptChunk(TenantScoped):
    """One short piece of the bot's instructions."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="prompt_chunks", on_delete=fields.CASCADE
    )
    text = fields.CharField(max_length=CHUNK_MAX_CHARS)
    position = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "prompt_chunk"
        ordering = ["position"]
        manager = TenantManager()


class Dialog(TenantScoped):
    """A conversation: a visitor's on the site, or the owner's trying the bot."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="dialogs", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(DialogKind, max_length=10, default=DialogKind.VISITOR)
    # The random id inside a visitor's signed token: whose conversation it is.
    visitor_id = fields.UUIDField(null=True, db_index=True)
    started_on = fields.CharField(max_length=2000, default="")
    # Kept up to date as messages come, so long dialog lists need no joins.
    preview = fields.CharField(max_length=200, default="")
    message_count = fields.IntField(default=0)
    has_lead = fields.BooleanField(default=False)
    user_id: uuid.UUID | None
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User",
        related_name="admin_dialogs",
        null=True,
        on_delete=fields.SET_NULL,
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    last_activity_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "dialog"
        # The cabinet's list: a tenant's dialogs of one kind by latest activity.
        indexes = (("tenant_id", "kind", "last_activity_at"),)
        manager = TenantManager()


class Message(TenantScoped):
    """One turn of a dialog, an answer stored as it streams."""

    dialog_id: uuid.UUID

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="messages", on_delete=fields.CASCADE
    )
    dialog: fields.ForeignKeyRelation[Dialog] = fields.ForeignKeyField(
        "models.Dialog", related_name="messages", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(MessageRole, max_length=10)
    content = fields.TextField()
    status = fields.CharEnumField(MessageStatus, max_length=10)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "message"
        ordering = ["created_at"]
        # A dialog's transcript in order, read again by the cabinet's polling.
        indexes = (("dialog_id", "created_at"),)
        manager = TenantManager()


class Lead(TenantScoped):
    """A contact a visitor left, one per tenant and normalised contact."""

    dialog_id: uuid.UUID | None

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="leads", on_delete=fields.CASCADE
    )
    dialog: fields.ForeignKeyNullableRelation[Dialog] = fields.ForeignKeyField(
        "models.Dialog", related_name="leads", null=True, on_delete=fields.SET_NULL
    )
    # The normalised e-mail address or phone number that makes a lead unique.
    contact = fields.CharField(max_length=254)
    email = fields.CharField(max_length=254, default="")
    phone = fields.CharField(max_length=32, default="")
    name = fields.CharField(max_length=120, default="")
    status = fields.CharEnumField(LeadStatus, max_length=10, default=LeadStatus.NEW)
    consent_text = fields.TextField(default="")
    consent_at = fields.DatetimeField(null=True)
    dialog_removed = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "lead"
        unique_together = (("tenant", "contact"),)
        manager = TenantManager()


class SavedItem(TenantScoped):
    """A message the team kept, with a note."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "models.Tenant", related_name="saved_items", on_delete=fields.CASCADE
    )
    message: fields.ForeignKeyNullableRelation[Message] = fields.ForeignKeyField(
        "models.Message",
        related_name="saved_items",
        null=True,
        on_delete=fields.SET_NULL,
    )
    content = fields.TextField()
    note = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "saved_item"
        manager = TenantManager()


class LoginAttempt(Model):
    """A failed login, kept so throttling holds across workers."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=300, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "login_attempt"
