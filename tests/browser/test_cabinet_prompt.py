"""The prompt page in Chromium: dragging, keyboard moves, the live counter."""

from __future__ import annotations

from playwright.async_api import Page

from saasaisite.models import Tenant
from tests.browser.cabinet_steps import fits_the_width, log_in
from tests.browser.conftest import assert_accessible
from tests.cabinet_data import chunk_texts, make_chunks
from tests.conftest import make_tenant

PROMPT = "/alpha/my/prompt"


async def shown_texts(page: Page) -> list[str]:
    return [
        text.strip() for text in await page.locator(".chunk-text").all_inner_texts()
    ]


async def three_chunks() -> Tenant:
    tenant, _owner = await make_tenant("alpha")
    await make_chunks(tenant, "First rule.", "Second rule.", "Third rule.")
    return tenant


async def test_dragging_a_chunk_reorders_and_the_order_is_kept(
    page: Page, live_server: str
) -> None:
    tenant = await three_chunks()
    await log_in(page, live_server, PROMPT)
    # prompt.js marks the list once Sortable listens to it.
    await page.locator("[data-sortable][data-sorting]").wait_for()

    handle = page.locator(".chunk", has_text="Third rule.").locator(".drag-handle")
    start = await handle.bounding_box()
    assert start
    await page.mouse.move(start["x"] + 5, start["y"] + 5)
    await page.mouse.down()
    for text in ("Second rule.", "First rule."):
        box = await page.locator(".chunk", has_text=text).bounding_box()
        assert box
        await page.mouse.move(box["x"] + 40, box["y"] + 6, steps=15)
        await page.wait_for_timeout(250)
    await page.mouse.up()
    await page.get_by_text("The new order is saved.").wait_for()

    await page.reload()
    assert await shown_texts(page) == ["Third rule.", "First rule.", "Second rule."]
    assert await chunk_texts(tenant) == ["Third rule.", "First rule.", "Second rule."]


async def test_keyboard_buttons_move_a_chunk_and_keep_the_focus(
    page: Page, live_server: str
) -> None:
    tenant = await three_chunks()
    await log_in(page, live_server, PROMPT)

    await page.get_by_role("button", name="Move chunk 1 down").focus()
    await page.keyboard.press("Enter")
    await page.get_by_text("The chunk is now number 2.").wait_for()
    assert await shown_texts(page) == ["Second rule.", "First rule.", "Third rule."]
    focused = await page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Move chunk 2 down"

    await page.keyboard.press("Space")
    await page.get_by_text("The chunk is now number 3.").wait_for()
    await page.reload()
    assert await shown_texts(page) == ["Second rule.", "Third rule.", "First rule."]
    assert await chunk_texts(tenant) == ["Second rule.", "Third rule.", "First rule."]


async def test_the_counter_follows_typing_and_a_long_chunk_is_refused_kept(
    page: Page, live_server: str
) -> None:
    tenant, _owner = await make_tenant("alpha")
    await log_in(page, live_server, PROMPT)
    box = page.get_by_label("Text of the new chunk")
    await box.fill("Hello")
    assert await page.locator("#counter-new").inner_text() == "5 of 500 characters"

    long_text = "word " * 120
    await box.fill(long_text)
    counter = page.locator("#counter-new")
    assert await counter.inner_text() == "600 of 500 characters"
    assert "counter--over" in (await counter.get_attribute("class") or "")

    await page.get_by_role("button", name="Add the chunk").click()
    await page.get_by_text("this one has 599").wait_for()
    assert (
        await page.get_by_label("Text of the new chunk").input_value()
        == long_text.strip()
    )
    assert await chunk_texts(tenant) == []


async def test_editing_in_place_and_undoing_a_deletion(
    page: Page, live_server: str
) -> None:
    tenant = await three_chunks()
    await log_in(page, live_server, PROMPT)
    await page.get_by_role("link", name="Edit chunk 2").click()
    await page.get_by_label("Chunk 2", exact=True).fill("Second rule, sharper.")
    await page.get_by_role("button", name="Save the chunk").click()
    await page.get_by_text("The chunk is saved.").wait_for()

    page.once("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="Delete chunk 1").click()
    await page.get_by_text("The chunk is deleted.").wait_for()
    assert await chunk_texts(tenant) == ["Second rule, sharper.", "Third rule."]
    await page.get_by_role("button", name="Undo the deletion").click()
    await page.get_by_text("The chunk is back.").wait_for()
    assert await chunk_texts(tenant) == [
        "First rule.",
        "Second rule, sharper.",
        "Third rule.",
    ]


async def test_the_prompt_page_is_accessible_wide_and_at_phone_width(
    page: Page, live_server: str
) -> None:
    await three_chunks()
    await log_in(page, live_server, PROMPT)
    await assert_accessible(page)
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.reload()
    await assert_accessible(page)
    assert await fits_the_width(page)
