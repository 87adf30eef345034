"""The cabinet's pages; importing this module registers them all."""

from __future__ import annotations

from saasaisite.cabinet import (
    admin_chat,
    dialogs,
    embed,
    leads_page,
    profile,
    prompt,
    saved,
    sections,
    widget,
)
from saasaisite.cabinet.blueprint import bp

__all__ = [
    "admin_chat",
    "bp",
    "dialogs",
    "embed",
    "leads_page",
    "profile",
    "prompt",
    "saved",
    "sections",
    "widget",
]
