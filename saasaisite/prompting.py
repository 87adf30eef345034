"""The system prompt for a tenant, and the hooks features add to it.

The chat asks only `system_prompt(tenant)`. A feature that wants to enrich
the prompt (knowledge base passages, triggers) registers a contribution with
`prompt_contribution`, and the chat does not change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache

from saasaisite.config import PROJECT_ROOT
from saasaisite.models import PromptChunk, Tenant

DEFAULT_PROMPT_PATH = PROJECT_ROOT / "prompts" / "system_prompt.txt"

# A contribution gets the tenant and the visitor's latest message (empty when
# there is none) and returns text to append to the prompt, or "".
Contribution = Callable[[Tenant, str], Awaitable[str]]
_contributions: list[Contribution] = []


def prompt_contribution(contribution: Contribution) -> Contribution:
    """Register a contribution (usable as a decorator)."""
    if contribution not in _contributions:
        _contributions.append(contribution)
    return contribution


def remove_contribution(contribution: Contribution) -> None:
    if contribution in _contributions:
        _contributions.remove(contribution)


@cache
def default_prompt() -> str:
    return DEFAULT_PROMPT_PATH.read_text(encoding="utf-8").strip()


async def chunk_prompt() -> tuple[str, bool]:
    """The tenant's chunks joined in order, and whether the default was used."""
    texts = await PromptChunk.all().order_by("position").values_list("text", flat=True)
    joined = "\n\n".join(str(text).strip() for text in texts if str(text).strip())
    if joined:
        return joined, False
    return default_prompt(), True


async def system_prompt(tenant: Tenant, question: str = "") -> str:
    """The whole system prompt for the tenant in context."""
    base, _default = await chunk_prompt()
    parts = [base]
    for contribution in _contributions:
        text = (await contribution(tenant, question)).strip()
        if text:
            parts.append(text)
    return "\n\n".join(parts)
