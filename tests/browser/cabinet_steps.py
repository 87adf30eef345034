"""Steps the cabinet's browser tests share."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import Page

from tests.conftest import PASSWORD


async def log_in(page: Page, base_url: str, path: str, slug: str = "alpha") -> None:
    """Log in as the owner of `slug` and land on `path` of the cabinet."""
    await page.goto(f"{base_url}/{slug}/login?next={path}")
    await page.get_by_label("E-mail").fill(f"owner@{slug}.test")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    # The login page's own address ends with `path` too (in `next`).
    await page.wait_for_url(lambda url: urlsplit(url).path == path)


async def fits_the_width(page: Page) -> bool:
    """Nothing sticks out sideways: no horizontal scrolling."""
    overflow: bool = await page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"
    )
    return overflow
