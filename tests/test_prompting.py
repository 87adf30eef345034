"""The system prompt for a tenant and the contributions features add."""

from __future__ import annotations

from saasaisite.models import PromptChunk, Tenant, User
from saasaisite.prompting import (
    chunk_prompt,
    default_prompt,
    prompt_contribution,
    remove_contribution,
    system_prompt,
)
from saasaisite.tenancy import tenant_scope

Pair = tuple[Tenant, User]


async def test_chunks_are_joined_in_position_order(tenant_a: Pair) -> None:
    tenant = tenant_a[0]
    with tenant_scope(tenant.id):
        await PromptChunk.create(text="Second.", position=5)
        await PromptChunk.create(text="First.", position=1)
        await PromptChunk.create(text="   ", position=3)
        assert await chunk_prompt() == ("First.\n\nSecond.", False)
        assert await system_prompt(tenant) == "First.\n\nSecond."


async def test_a_tenant_without_chunks_gets_the_default_prompt(
    tenant_a: Pair, tenant_b: Pair
) -> None:
    with tenant_scope(tenant_b[0].id):
        await PromptChunk.create(text="Bravo only.", position=1)
    with tenant_scope(tenant_a[0].id):
        text, is_default = await chunk_prompt()
    assert is_default
    assert text == default_prompt()
    assert "Bravo only." not in text


async def test_contributions_are_appended_and_see_the_question(
    tenant_a: Pair,
) -> None:
    tenant = tenant_a[0]

    async def opening_hours(tenant: Tenant, question: str) -> str:
        return "Open 9-18." if "open" in question else ""

    prompt_contribution(opening_hours)
    prompt_contribution(opening_hours)
    try:
        with tenant_scope(tenant.id):
            await PromptChunk.create(text="Be brief.", position=1)
            asked = await system_prompt(tenant, "When are you open?")
            other = await system_prompt(tenant, "Prices?")
    finally:
        remove_contribution(opening_hours)
    assert asked == "Be brief.\n\nOpen 9-18."
    assert other == "Be brief."
