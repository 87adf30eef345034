"""Dialogs, leads, embed code and saved items in Chromium."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from saasaisite.models import Language, Lead, LeadStatus, MessageRole, Tenant
from saasaisite.tenancy import tenant_scope
from tests.browser.cabinet_steps import fits_the_width, log_in
from tests.browser.conftest import assert_accessible
from tests.cabinet_data import add_message, make_dialog, make_lead, make_saved
from tests.conftest import free_port, make_tenant


class OtherSite:
    """A tiny site on another origin that serves whatever HTML it is given."""

    def __init__(self) -> None:
        self.html = b"<!doctype html><title>empty</title>"
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(site.html)))
                self.end_headers()
                self.wfile.write(site.html)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        # "localhost" is another site than the app's 127.0.0.1, not only another port.
        self.url = f"http://localhost:{self.server.server_address[1]}/"

    def page_with(self, code: str) -> None:
        self.html = (
            "<!doctype html><html lang='en'><head><title>Bike shop</title></head>"
            f"<body><main><h1>Bike shop</h1>{code}</main></body></html>"
        ).encode()


@pytest.fixture(scope="session")
def other_site() -> Iterator[OtherSite]:
    site = OtherSite()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


async def english_tenant() -> Tenant:
    tenant, _owner = await make_tenant("alpha")
    tenant.language = Language.EN
    await tenant.save()
    return tenant


async def test_a_visitors_new_message_appears_without_reload(
    page: Page, live_server: str
) -> None:
    tenant = await english_tenant()
    dialog = await make_dialog(tenant, "Do you repair bikes?", "Yes, every day.")
    path = f"/alpha/my/dialogs/{dialog.id}"
    await log_in(page, live_server, path)
    await page.get_by_text("Yes, every day.").wait_for()
    await page.evaluate("window.notReloaded = true")

    await add_message(tenant, dialog, "How much is a new chain?")
    await page.get_by_text("How much is a new chain?").wait_for(timeout=8000)
    await add_message(tenant, dialog, "About 20 euros.", role=MessageRole.ASSISTANT)
    await page.get_by_text("About 20 euros.").wait_for(timeout=8000)
    assert await page.evaluate("window.notReloaded === true")
    assert await page.locator(".message").count() == 4


async def test_dialogs_list_scrolls_for_more_and_a_message_is_saved(
    page: Page, live_server: str
) -> None:
    tenant = await english_tenant()
    for index in range(60):
        await make_dialog(tenant, f"Question number {index}", minutes_ago=index)
    await log_in(page, live_server, "/alpha/my/dialogs")
    rows = page.locator(".dialogs-table tbody tr:not(.more-row)")
    assert await rows.count() == 50
    await page.get_by_text("Question number 49").scroll_into_view_if_needed()
    await page.get_by_text("Question number 59").wait_for()
    assert await rows.count() == 60

    await page.get_by_role("link", name="Question number 3", exact=True).click()
    await page.get_by_text("Save this message").click()
    await page.get_by_label("Note (optional)").fill("a good question")
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.get_by_role("link", name="Open the saved item").click()
    await page.get_by_role("heading", name="a good question").wait_for()


async def test_the_lead_status_changes_in_place_and_the_csv_downloads(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    tenant = await english_tenant()
    dialog = await make_dialog(tenant, "Call me back")
    lead = await make_lead(tenant, "ann@example.com", name="Анна", dialog=dialog)
    await make_lead(tenant, "=cmd|' /C calc'!A0", name="Mallory")
    await log_in(page, live_server, "/alpha/my/leads")

    await page.get_by_label("Status of ann@example.com").select_option("won")
    await page.locator(f"#lead-{lead.id}").get_by_text("Saved").wait_for()
    with tenant_scope(tenant.id):
        assert (await Lead.get(id=lead.id)).status == LeadStatus.WON

    async with page.expect_download() as waiting:
        await page.get_by_role("link", name="Export to CSV").click()
    download = await waiting.value
    target = tmp_path / download.suggested_filename
    await download.save_as(target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "Contact"
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Анна"][4] == "Won"
    assert by_name["Mallory"][0].startswith("'=")


async def test_the_copied_embed_code_works_on_another_site(
    browser: Browser, app: object, live_server: str, other_site: OtherSite
) -> None:
    await english_tenant()
    context = await browser.new_context(locale="en-US")
    await context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server
    )
    page = await context.new_page()
    try:
        await log_in(page, live_server, "/alpha/my/embed")
        await page.get_by_role("button", name="Copy the code").click()
        await page.get_by_text("Copied.").wait_for()
        copied = await page.evaluate("navigator.clipboard.readText()")
        assert copied == await page.get_by_label("Code of the frame").input_value()
        assert f'src="{live_server}/alpha/chat/embed"' in copied

        other_site.page_with(copied)
        async with page.expect_response(f"{live_server}/alpha/chat/embed") as answer:
            await page.goto(other_site.url)
        assert (await answer.value).status == 200
        frame = page.frame_locator("iframe")
        await frame.locator("#chat-text").wait_for()

    finally:
        await context.close()


async def test_the_floating_button_opens_the_chat_on_another_site(
    page: Page, live_server: str, other_site: OtherSite
) -> None:
    await english_tenant()
    await log_in(page, live_server, "/alpha/my/embed")
    line = await page.get_by_label("Code of the button").input_value()
    other_site.page_with(line)
    await page.goto(other_site.url)
    button = page.get_by_role("button", name="Chat with Alpha Ltd")
    await button.click()
    assert await button.get_attribute("aria-expanded") == "true"
    frame = page.frame_locator("iframe[title='Chat with Alpha Ltd']")
    await frame.locator("#chat-text").wait_for()
    # The chat may take the focus into its frame; Escape works from the page.
    await button.focus()
    await page.keyboard.press("Escape")
    assert await button.get_attribute("aria-expanded") == "false"
    assert not await page.locator("iframe").is_visible()


async def test_every_cabinet_page_is_accessible(page: Page, live_server: str) -> None:
    tenant = await english_tenant()
    dialog = await make_dialog(tenant, "Hello", "Hi there", has_lead=True)
    await make_lead(tenant, "ann@example.com", dialog=dialog)
    item = await make_saved(tenant, "Keep this.", "a note")
    await log_in(page, live_server, "/alpha/my/dialogs")
    paths = [
        "/alpha/my/dialogs",
        f"/alpha/my/dialogs/{dialog.id}",
        f"/alpha/my/dialogs/{dialog.id}/delete",
        "/alpha/my/leads",
        "/alpha/my/embed",
        "/alpha/my/saved",
        f"/alpha/my/saved/{item.id}",
        "/alpha/my/profile",
    ]
    for path in paths:
        await page.goto(live_server + path)
        await assert_accessible(page)

    await page.set_viewport_size({"width": 360, "height": 740})
    for path in paths[:2]:
        await page.goto(live_server + path)
        await assert_accessible(page)
        assert await fits_the_width(page), path
