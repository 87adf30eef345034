"""The cabinet's pages; importing this module registers them all."""

from __future__ import annotations

from saasaisite.cabinet import profile, sections
from saasaisite.cabinet.blueprint import bp

__all__ = ["bp", "profile", "sections"]
