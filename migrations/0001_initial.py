from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from saasaisite.models import (
    DialogKind,
    Language,
    LeadStatus,
    MessageRole,
    MessageStatus,
    Role,
)


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="LoginAttempt",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("key", fields.CharField(db_index=True, max_length=300)),
                (
                    "created_at",
                    fields.DatetimeField(
                        db_index=True, auto_now=False, auto_now_add=True
                    ),
                ),
            ],
            options={
                "table": "login_attempt",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A failed login, kept so throttling holds across workers.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Tenant",
            fields=[
                (
                    "id",
                    fields.UUIDField(
                        primary_key=True, default=uuid4, unique=True, db_index=True
                    ),
                ),
                ("slug", fields.CharField(unique=True, max_length=40)),
                ("name", fields.CharField(max_length=120)),
                ("bot_name", fields.CharField(default="", max_length=80)),
                ("greeting", fields.CharField(default="", max_length=500)),
                ("accent_color", fields.CharField(default="#2563eb", max_length=7)),
                (
                    "language",
                    fields.CharEnumField(
                        default=Language.RU,
                        description="RU: ru\nEN: en",
                        enum_type=Language,
                        max_length=2,
                    ),
                ),
                ("contact_form", fields.BooleanField(default=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "tenant",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A business that signed up under its own slug.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PromptChunk",
            fields=[
                (
                    "id",
                    fields.UUIDField(
                        primary_key=True, default=uuid4, unique=True, db_index=True
                    ),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "models.Tenant",
                        source_field="tenant_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="prompt_chunks",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("text", fields.CharField(max_length=500)),
                ("position", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "prompt_chunk",
                "app": "models",
                "pk_attr": "id",
                "table_description": "One short piece of the bot's instructions.",
            },
            bases=["TenantScoped"],
        ),
        ops.CreateModel(
            name="User",
            fields=[
                (
                    "id",
                    fields.UUIDField(
                        primary_key=True, default=uuid4, unique=True, db_index=True
                    ),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "models.Tenant",
                        source_field="tenant_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="users",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("email", fields.CharField(max_length=254)),
                ("name", fields.CharField(max_length=120)),
                ("password_hash", fields.CharField(max_length=200)),
                (
                    "role",
                    fields.CharEnumField(
                        default=Role.MEMBER,
                        description="OWNER: owner\nMEMBER: member",
                        enum_type=Role,
                        max_length=10,
                    ),
                ),
                (
                    "confirmed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("session_version", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "app_user",
                "app": "models",
                "unique_together": (("tenant", "email"),),
                "pk_attr": "id",
                "table_description": "A person who works in a tenant's cabinet.",
            },
            bases=["TenantScoped"],
        ),
        ops.CreateModel(
            name="Dialog",
            fields=[
                (
                    "id",
                    fields.UUIDField(
                        primary_key=True, default=uuid4, unique=True, db_index=True
                    ),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "models.Tenant",
                        source_field="tenant_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="dialogs",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        default=DialogKind.VISITOR,
                        description="VISITOR: visitor\nADMIN: admin",
                        enum_type=DialogKind,
                        max_length=10,
                    ),
                ),
                ("visitor_id", fields.UUIDField(null=True, db_index=True)),
                ("started_on", fields.CharField(default="", max_length=2000)),
                ("preview", fields.CharField(default="", max_length=200)),
                ("message_count", fields.IntField(default=0)),
                ("has_lead", fields.BooleanField(default=False)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="user_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="admin_dialogs",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "last_activity_at",
                    fields.DatetimeField(
                        db_index=True, auto_now=False, auto_now_add=True
                    ),
                ),
            ],
            options={
                "table": "dialog",
                "app": "models",
                "indexes": [Index(fields=["tenant_id", "kind", "last_activity_at"])],
                "pk_attr": "id",
                "table_description": "A conversation: a visitor's on the site, or the owner's trying the bot.",
            },
            bases=["TenantScoped"],
        ),
        ops.CreateModel(
            name="Invitation",
            fields=[
                (
                    "id",
                    fields.UUIDField(
                        primary_key=True, default=uuid4, unique=True, db_index=True
                    ),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "models.Tenant",
                        source_field="tenant_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="invitations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("email", fields.CharField(max_length=254)),
                (
                    "invited_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="invited_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="invitations_sent",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "accepted_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "invitation",
                "app": "models",
                "unique_together": (("tenant", "email"),),
                "pk_attr": "id",
                "table_description": "The owner's permission for one e-mail address to register.",
            },
            bases=["TenantScoped"],
        ),
        ops.CreateModel(
            name="Lead",
            fields=[
                (
                    "id",
                    fields.UUIDField(
                        primary_key=True, default=uuid4, unique=True, db_index=True
                    ),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "models.Tenant",
                        source_field="tenant_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="leads",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "dialog",
                    fields.ForeignKeyField(
                        "models.Dialog",
                        source_field="dialog_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="leads",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("contact", fields.CharField(max_length=254)),
                ("email", fields.CharField(default="", max_length=254)),
                ("phone", fields.CharField(default="", max_length=32)),
                ("name", fields.CharField(default="", max_length=120)),
                (
                    "status",
                    fields.CharEnumField(
                        default=LeadStatus.NEW,
                        description="NEW: new\nCONTACTED: contacted\nWON: won\nLOST: lost",
                        enum_type=LeadStatus,
                        max_length=10,
                    ),
                ),
                ("consent_text", fields.TextField(default="", unique=False)),
                (
                    "consent_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("dialog_removed", fields.BooleanField(default=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "lead",
                "app": "models",
                "unique_together": (("tenant", "contact"),),
                "pk_attr": "id",
                "table_description": "A contact a visitor left, one per tenant and normalised contact.",
            },
            bases=["TenantScoped"],
        ),
        ops.CreateModel(
            name="Message",
            fields=[
                (
                    "id",
                    fields.UUIDField(
                        primary_key=True, default=uuid4, unique=True, db_index=True
                    ),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "models.Tenant",
                        source_field="tenant_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="messages",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "dialog",
                    fields.ForeignKeyField(
                        "models.Dialog",
                        source_field="dialog_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="messages",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "role",
                    fields.CharEnumField(
                        description="USER: user\nASSISTANT: assistant",
                        enum_type=MessageRole,
                        max_length=10,
                    ),
                ),
                ("content", fields.TextField(unique=False)),
                (
                    "status",
                    fields.CharEnumField(
                        description="PENDING: pending\nSTREAMING: streaming\nDONE: done\nCUT_SHORT: cut_short\nFAILED: failed",
                        enum_type=MessageStatus,
                        max_length=10,
                    ),
                ),
                (
                    "created_at",
                    fields.DatetimeField(
                        db_index=True, auto_now=False, auto_now_add=True
                    ),
                ),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "message",
                "app": "models",
                "indexes": [Index(fields=["dialog_id", "created_at"])],
                "pk_attr": "id",
                "table_description": "One turn of a dialog, an answer stored as it streams.",
            },
            bases=["TenantScoped"],
        ),
        ops.CreateModel(
            name="SavedItem",
            fields=[
                (
                    "id",
                    fields.UUIDField(
                        primary_key=True, default=uuid4, unique=True, db_index=True
                    ),
                ),
                (
                    "tenant",
                    fields.ForeignKeyField(
                        "models.Tenant",
                        source_field="tenant_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="saved_items",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "message",
                    fields.ForeignKeyField(
                        "models.Message",
                        source_field="message_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="saved_items",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("content", fields.TextField(unique=False)),
                ("note", fields.CharField(default="", max_length=500)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "saved_item",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A message the team kept, with a note.",
            },
            bases=["TenantScoped"],
        ),
    ]
