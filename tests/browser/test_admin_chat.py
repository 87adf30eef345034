"""The admin chat in Chromium: the owner tries the bot and sees it stream."""

from __future__ import annotations

from playwright.async_api import Browser

from saasaisite.models import Dialog, DialogKind, Message, MessageStatus
from saasaisite.tenancy import tenant_scope
from tests.browser.conftest import assert_accessible, eventually
from tests.conftest import PASSWORD, make_tenant
from tests.fake_llm import FakeLLM


async def test_the_admin_chat_streams_and_can_save_an_answer(
    browser: Browser, chat_server: str, fake_server: FakeLLM, app: object
) -> None:
    tenant, owner = await make_tenant("alpha")
    fake_server.reset()
    fake_server.answer(*[f"part{i} " for i in range(10)], delay=0.15)
    context = await browser.new_context(locale="en-US")
    page = await context.new_page()
    await page.goto(f"{chat_server}/alpha/login")
    await page.fill("#field-email", owner.email)
    await page.fill("#field-password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{chat_server}/alpha/my")

    await page.click("nav.cabinet-nav >> text=Admin chat")
    await page.wait_for_url(f"{chat_server}/alpha/my/chat")
    await assert_accessible(page)
    await page.fill("#chat-text", "Tell me about you")
    await page.keyboard.press("Enter")

    answer = page.locator(".bubble--bot .bubble__body").last
    seen: list[str] = []

    async def grown() -> bool:
        text = await answer.inner_text()
        if text and (not seen or seen[-1] != text):
            seen.append(text)
        return "part9" in text

    assert await eventually(grown, timeout=15)
    assert len(seen) >= 3, seen
    # The input waits while the answer streams, and comes back after it.
    assert await eventually(page.locator("#chat-text").is_enabled)
    await assert_accessible(page)

    await page.locator("summary", has_text="Save this answer").last.click()
    await page.locator(".save-message input[name=note]").last.fill("Good intro")
    await page.locator(".save-message button[type=submit]").last.click()
    await page.goto(f"{chat_server}/alpha/my/saved")
    assert "Good intro" in await page.content()

    with tenant_scope(tenant.id):
        dialog = await Dialog.get(kind=DialogKind.ADMIN)
        stored = await Message.filter(dialog_id=dialog.id).order_by("created_at")
    assert [m.status for m in stored] == [MessageStatus.DONE, MessageStatus.DONE]
    assert stored[1].content.startswith("part0 part1")
    await context.close()
