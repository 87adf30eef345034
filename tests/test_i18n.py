"""The language: the switch's cookie, else Accept-Language, else Russian."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Client

HEADLINE_EN = "An AI chat bot for your website, ready in ten minutes"
CYRILLIC = re.compile(r"[а-яА-ЯёЁ]{4,}")


async def landing(client: Client, accept_language: str | None) -> str:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = await client.get("/", headers=headers)
    assert response.status_code == 200
    page: str = await response.get_data(as_text=True)
    return page


async def test_english_is_served_when_the_browser_asks_for_it(client: Client) -> None:
    page = await landing(client, "en-GB,en;q=0.9")
    assert '<html lang="en">' in page
    assert HEADLINE_EN in page


@pytest.mark.parametrize("accept_language", ["ru-RU,ru;q=0.9", None, "de-DE,de"])
async def test_russian_is_served_when_asked_or_when_nothing_decides(
    client: Client, accept_language: str | None
) -> None:
    page = await landing(client, accept_language)
    assert '<html lang="ru">' in page
    assert HEADLINE_EN not in page
    assert "Company name" not in page
    assert len(CYRILLIC.findall(page)) > 20


async def test_the_switch_sets_a_cookie_that_wins_over_the_browser(
    client: Client,
) -> None:
    response = await client.get("/lang/en?next=/alpha/login")
    assert response.status_code == 303
    assert response.headers["Location"] == "/alpha/login"
    assert client.cookie("lang") == "en"

    page = await landing(client, "ru-RU,ru")
    assert '<html lang="en">' in page
    assert HEADLINE_EN in page

    await client.get("/lang/ru?next=/")
    page = await landing(client, "en")
    assert '<html lang="ru">' in page
    assert HEADLINE_EN not in page


async def test_an_unknown_language_changes_nothing(client: Client) -> None:
    response = await client.get("/lang/de?next=/")
    assert response.status_code == 303
    assert client.cookie("lang") is None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
async def test_the_switch_never_sends_the_browser_to_another_site(
    client: Client, target: str
) -> None:
    response = await client.get(f"/lang/en?next={target}")
    assert response.headers["Location"] == "/"


async def test_each_page_links_to_the_other_language_back_to_itself(
    client: Client,
) -> None:
    page = await landing(client, "en")
    assert 'href="/lang/ru?next=/"' in page
    assert 'lang="ru"' in page
