"""The chat embedded in another site, in Chromium, with a streaming model."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.async_api import Browser, FrameLocator, Page

from saasaisite.models import Dialog, Language, Lead, Message, Tenant
from saasaisite.tenancy import tenant_scope
from tests.browser.conftest import (
    assert_accessible,
)
from tests.conftest import free_port, make_tenant
from tests.fake_llm import FakeLLM

TOKENS = [f"piece{i} " for i in range(12)]


@pytest.fixture(scope="session")
def host_site(chat_server: str) -> Iterator[str]:
    """Another site (another origin and site: localhost) embedding the chat.

    It pastes the snippet: the loader script that frames the chat and keeps
    the visitor's token, since Chromium refuses storage to the frame itself.
    """
    page = (
        "<!doctype html><html lang='en'><head><title>Bike shop</title></head>"
        "<body><main><h1>Bike shop</h1>"
        f"<script src='{chat_server}/static/embed.js' data-slug='alpha'"
        " data-mode='inline'"
        " data-title='Chat with Sunny' defer></script>"
        "</main></body></html>"
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


async def bike_shop() -> Tenant:
    tenant, _owner = await make_tenant("alpha")
    tenant.language = Language.EN
    tenant.bot_name = "Sunny"
    tenant.greeting = "Hi, I am Sunny."
    await tenant.save()
    return tenant


async def ask(frame: FrameLocator, text: str) -> list[str]:
    """Send a message with Enter and sample the answer until it ends."""
    await frame.locator("#chat-text").fill(text)
    await frame.locator("#chat-text").press("Enter")
    answer = frame.locator(".bubble--bot").last
    await answer.locator("[sse-swap]").wait_for()
    samples: list[str] = []
    for _attempt in range(200):
        samples.append((await answer.locator(".bubble__body").inner_text()).strip())
        if await answer.get_attribute("data-streaming") is None:
            break
        await frame.locator("body").page.wait_for_timeout(60)
    return samples


async def test_embedded_chat_streams_keeps_history_and_stays_private(
    page: Page, browser: Browser, host_site: str, fake_server: FakeLLM
) -> None:
    tenant = await bike_shop()
    other, _ = await make_tenant("bravo")
    fake_server.reset()
    fake_server.answer(*TOKENS, delay=0.2)

    await page.goto(host_site)
    frame = page.frame_locator("iframe.saasaisite-chat")
    await frame.get_by_text("Hi, I am Sunny.").wait_for()
    question = "When do you open? Mail me: ann@mail.example"
    samples = await ask(frame, question)

    growing = [text for text in dict.fromkeys(samples) if "piece" in text]
    assert len(growing) >= 3, f"the answer should grow visibly: {growing}"
    assert all(
        later.startswith(earlier)
        for earlier, later in zip(growing, growing[1:], strict=False)
    )
    final = "".join(TOKENS).strip()
    assert samples[-1] == final
    assert await frame.locator("#chat-text").is_enabled()

    await page.reload()
    frame = page.frame_locator("iframe.saasaisite-chat")
    await frame.get_by_text(question).wait_for()
    await frame.get_by_text(final).wait_for()

    stranger = await browser.new_context(locale="en-US")
    try:
        stranger_page = await stranger.new_page()
        await stranger_page.goto(host_site)
        stranger_frame = stranger_page.frame_locator("iframe.saasaisite-chat")
        await stranger_frame.get_by_text("Hi, I am Sunny.").wait_for()
        assert await stranger_frame.get_by_text(question).count() == 0
    finally:
        await stranger.close()

    with tenant_scope(tenant.id):
        dialog = await Dialog.get()
        assert await Message.filter(dialog_id=dialog.id).count() == 2
        lead = await Lead.get()
    assert lead.contact == "ann@mail.example"
    assert lead.dialog_id == dialog.id
    assert dialog.started_on.startswith(host_site.rstrip("/"))
    with tenant_scope(other.id):
        assert await Dialog.all().count() == 0
        assert await Lead.all().count() == 0
    assert len(fake_server.requests) == 1


async def test_new_conversation_starts_an_empty_dialog(
    page: Page, host_site: str, fake_server: FakeLLM
) -> None:
    tenant = await bike_shop()
    fake_server.reset()
    fake_server.answer("Hello ", "there.")
    await page.goto(host_site)
    frame = page.frame_locator("iframe.saasaisite-chat")
    await ask(frame, "First question")
    await frame.get_by_role("button", name="New conversation").click()
    await frame.get_by_text("First question").wait_for(state="detached")
    await ask(frame, "Second question")

    await page.reload()
    frame = page.frame_locator("iframe.saasaisite-chat")
    await frame.get_by_text("Second question").wait_for()
    assert await frame.get_by_text("First question").count() == 0
    with tenant_scope(tenant.id):
        assert await Dialog.all().count() == 2


async def test_too_long_message_is_refused_in_the_page_with_the_text_kept(
    page: Page, chat_server: str
) -> None:
    await bike_shop()
    await page.goto(f"{chat_server}/alpha/chat")
    text = "x" * 2001
    await page.locator("#chat-text").fill(text)
    await page.get_by_role("button", name="Send", exact=True).click()
    await page.get_by_role("alert").wait_for()
    assert "too long" in await page.get_by_role("alert").inner_text()
    assert await page.locator("#chat-text").input_value() == text


@pytest.mark.parametrize("width", [1280, 360])
async def test_chat_pages_are_accessible(
    page: Page, chat_server: str, fake_server: FakeLLM, width: int
) -> None:
    tenant = await bike_shop()
    tenant.contact_form = True
    await tenant.save()
    fake_server.reset()
    fake_server.answer("**Yes**, see [our page](https://example.com).")
    await page.set_viewport_size({"width": width, "height": 740})
    await page.goto(f"{chat_server}/alpha/chat/embed")
    await assert_accessible(page)

    await page.goto(f"{chat_server}/alpha/chat")
    await page.locator("#chat-text").fill("Is there a page?")
    await page.locator("#chat-text").press("Enter")
    await page.locator(".bubble--bot a[target=_blank]").wait_for()
    await page.get_by_text("Leave your contact").click()
    await assert_accessible(page)
    box = await page.locator("#chat-form").bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 740 + 1, "the form stays in view"
    font_size = await page.locator("#chat-text").evaluate(
        "el => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert font_size >= 16


async def test_the_framed_chat_leaves_the_host_pages_focus_alone(
    page: Page, host_site: str
) -> None:
    await bike_shop()
    await page.goto(host_site)
    frame = page.frame_locator("iframe.saasaisite-chat")
    await frame.get_by_text("Hi, I am Sunny.").wait_for()
    await page.wait_for_timeout(300)
    assert await page.evaluate("document.activeElement.tagName") == "BODY"
