"""A live server in a subprocess and Chromium driven by Playwright.

Chromium is Debian's (`/usr/bin/chromium`, or `CHROMIUM_PATH`); axe-core is
the npm package installed by the README's test command into node_modules/.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from playwright.async_api import Browser, Page, async_playwright

from tests.conftest import TEST_SECRET, Mailbox, free_port
from tests.fake_llm import FakeLLM

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = Path(
    os.environ.get("AXE_PATH", PROJECT_ROOT / "node_modules/axe-core/axe.min.js")
)
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def wait_until_serving(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered at {url}")


def server_environment(
    database_url: str, smtp: Controller, port: int, **extra: str
) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "BASE_URL": f"http://127.0.0.1:{port}",
        "PORT": str(port),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_USER": "",
        "SMTP_PASSWORD": "",
        "SMTP_STARTTLS": "false",
        "MAIL_FROM": "saasaisite <bot@example.test>",
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
    }
    env.update(extra)
    return env


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """The app served by Hypercorn in its own process; yields its base URL."""
    port = env["PORT"]
    process = subprocess.Popen(
        [sys.executable, "-m", "saasaisite.cli", "serve", "--port", port],
        env=env,
        cwd=PROJECT_ROOT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{base_url}/health", process)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def live_server(
    database_url: str, smtp_server: tuple[Controller, Mailbox]
) -> Iterator[str]:
    """The app with no model connected (the offline responder answers)."""
    controller, _box = smtp_server
    with serving(server_environment(database_url, controller, free_port())) as url:
        yield url


@pytest.fixture(scope="session")
def chat_server(
    database_url: str, smtp_server: tuple[Controller, Mailbox], fake_server: FakeLLM
) -> Iterator[str]:
    """The app talking to the fake model."""
    controller, _box = smtp_server
    env = server_environment(
        database_url,
        controller,
        free_port(),
        OPENAI_API_KEY="test-key",
        OPENAI_BASE_URL=fake_server.base_url,
        OPENAI_MODEL="fake-model",
    )
    with serving(env) as url:
        yield url


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser: Browser, app: Any) -> AsyncIterator[Page]:
    """A fresh browser context (its own cookies) on an emptied database."""
    context = await browser.new_context(locale="en-US")
    new_page = await context.new_page()
    yield new_page
    await context.close()


async def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical violation on the page."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE_PATH))
    result = await page.evaluate("async () => await axe.run(document)")
    bad = [
        f"{item['id']} ({item['impact']}): {item['help']} at "
        + ", ".join(str(node["target"]) for node in item["nodes"][:3])
        for item in result["violations"]
        if item["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{page.url}: " + "; ".join(bad)


async def eventually(check: Any, timeout: float = 10.0) -> Any:
    """Wait until an async `check()` returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await check()
        if value or asyncio.get_running_loop().time() > deadline:
            return value
        await asyncio.sleep(0.1)
