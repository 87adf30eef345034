"""Saved items: keep a message with a note, open, delete, turn into chunks."""

from __future__ import annotations

import re

import pytest

from saasaisite.cabinet.prompt import split_into_chunks
from saasaisite.models import Message, SavedItem, Tenant, User
from saasaisite.tenancy import tenant_scope
from tests.cabinet_data import chunk_texts, make_chunks, make_dialog, make_saved
from tests.conftest import Client

EN = {"Accept-Language": "en"}
Pair = tuple[Tenant, User]


async def first_message(tenant: Tenant, *texts: str) -> Message:
    dialog = await make_dialog(tenant, *texts)
    with tenant_scope(tenant.id):
        return await Message.get(dialog_id=dialog.id, role="user")


async def saved_items(tenant: Tenant) -> list[SavedItem]:
    with tenant_scope(tenant.id):
        return await SavedItem.all()


async def test_saving_a_message_with_a_note_opens_it(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    message = await first_message(tenant, "Our prices start at 10 euros.")
    response = await owner_client.post(
        "/alpha/my/saved", {"message_id": str(message.id), "note": "prices"}
    )
    assert response.status_code == 303
    (item,) = await saved_items(tenant)
    assert response.headers["Location"] == f"/alpha/my/saved/{item.id}"
    assert item.content == "Our prices start at 10 euros."
    assert item.note == "prices"

    page = await (await owner_client.get(f"/alpha/my/saved/{item.id}")).get_data(
        as_text=True
    )
    assert "Our prices start at 10 euros." in page
    listing = await (await owner_client.get("/alpha/my/saved")).get_data(as_text=True)
    assert f'href="/alpha/my/saved/{item.id}">prices</a>' in listing


async def test_saving_from_a_dialog_page_with_htmx_says_saved(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    message = await first_message(tenant, "Keep me")
    response = await owner_client.post(
        "/alpha/my/saved", {"message_id": str(message.id)}, htmx=True, headers=EN
    )
    fragment = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Saved." in fragment
    assert "Open the saved item" in fragment


async def test_a_too_long_note_is_refused(owner_client: Client, tenant_a: Pair) -> None:
    tenant, _owner = tenant_a
    message = await first_message(tenant, "Keep me")
    response = await owner_client.post(
        "/alpha/my/saved",
        {"message_id": str(message.id), "note": "n" * 501},
        htmx=True,
        headers=EN,
    )
    assert response.status_code == 400
    assert "at most 500 characters; this one has 501" in await response.get_data(
        as_text=True
    )
    assert await saved_items(tenant) == []


@pytest.mark.parametrize(
    "message_id", ["", "not-an-id", "00000000-0000-0000-0000-0000000000ff"]
)
async def test_saving_an_unknown_message_is_not_found(
    owner_client: Client, tenant_a: Pair, message_id: str
) -> None:
    tenant, _owner = tenant_a
    response = await owner_client.post("/alpha/my/saved", {"message_id": message_id})
    assert response.status_code == 404
    assert await saved_items(tenant) == []


async def test_deleting_a_saved_item(owner_client: Client, tenant_a: Pair) -> None:
    tenant, _owner = tenant_a
    item = await make_saved(tenant, "Some text", "note")
    response = await owner_client.post(f"/alpha/my/saved/{item.id}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == "/alpha/my/saved?deleted=1"
    assert await saved_items(tenant) == []


async def test_a_saved_item_becomes_chunks_after_the_prompt(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    await make_chunks(tenant, "Existing.")
    sentence = "We ship bicycles across the country within a week. "
    item = await make_saved(tenant, sentence * 20)
    response = await owner_client.post(
        f"/alpha/my/saved/{item.id}/to-prompt", headers=EN
    )
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    texts = await chunk_texts(tenant)
    assert texts[0] == "Existing."
    added = texts[1:]
    assert f"Chunks added at the end of the prompt: {len(added)}." in page
    assert all(len(text) <= 500 for text in added)
    assert all(text.endswith("week.") for text in added)
    assert " ".join(added) == (sentence * 20).strip()


def test_splitting_keeps_sentences_whole_within_the_limit() -> None:
    text = "One two. Three four five! Six? Seven."
    assert split_into_chunks(text, limit=20) == [
        "One two.",
        "Three four five!",
        "Six? Seven.",
    ]


def test_a_sentence_longer_than_the_limit_is_cut_at_spaces_or_mid_word() -> None:
    assert split_into_chunks("aaaa bbbb cccc dddd.", limit=10) == [
        "aaaa bbbb",
        "cccc dddd.",
    ]
    assert split_into_chunks("x" * 25, limit=10) == ["x" * 10, "x" * 10, "x" * 5]


def test_splitting_nothing_gives_nothing() -> None:
    assert split_into_chunks("   ") == []


async def test_the_list_never_shows_another_tenants_items(
    owner_client: Client, tenant_b: Pair
) -> None:
    other, _owner = tenant_b
    await make_saved(other, "Bravo private words", "bravo note")
    page = await (await owner_client.get("/alpha/my/saved")).get_data(as_text=True)
    assert "Bravo private words" not in page
    assert "bravo note" not in page


async def test_another_tenants_message_cannot_be_saved(
    owner_client: Client, tenant_a: Pair, tenant_b: Pair
) -> None:
    tenant, _owner = tenant_a
    other, _owner_b = tenant_b
    foreign = await first_message(other, "Bravo private words")
    response = await owner_client.post(
        "/alpha/my/saved", {"message_id": str(foreign.id)}
    )
    assert response.status_code == 404
    assert await saved_items(tenant) == []
    assert await saved_items(other) == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/alpha/my/saved/{id}"),
        ("POST", "/alpha/my/saved/{id}/delete"),
        ("POST", "/alpha/my/saved/{id}/to-prompt"),
    ],
)
async def test_another_tenants_item_is_not_found_and_unchanged(
    owner_client: Client,
    tenant_a: Pair,
    tenant_b: Pair,
    method: str,
    path: str,
) -> None:
    tenant, _owner = tenant_a
    other, _owner_b = tenant_b
    foreign = await make_saved(other, "Bravo private words.")
    url = path.format(id=foreign.id)
    if method == "GET":
        response = await owner_client.get(url)
    else:
        response = await owner_client.post(url)
    assert response.status_code == 404
    assert "Bravo private words" not in await response.get_data(as_text=True)
    assert len(await saved_items(other)) == 1
    assert await chunk_texts(tenant) == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/alpha/my/saved"),
        ("POST", "/alpha/my/saved"),
        ("GET", "/alpha/my/saved/{id}"),
        ("POST", "/alpha/my/saved/{id}/delete"),
        ("POST", "/alpha/my/saved/{id}/to-prompt"),
    ],
)
async def test_another_tenants_session_is_sent_to_log_in(
    client: Client, tenant_a: Pair, tenant_b: Pair, method: str, path: str
) -> None:
    tenant, _owner = tenant_a
    other, other_owner = tenant_b
    item = await make_saved(tenant, "Alpha words.")
    message = await first_message(tenant, "Alpha message")
    await client.login(other.slug, other_owner.email)
    url = path.format(id=item.id)
    if method == "GET":
        response = await client.get(url)
    else:
        response = await client.post(url, {"message_id": str(message.id)})
    assert response.status_code == 303
    assert re.match(r"/alpha/login", response.headers["Location"])
    assert len(await saved_items(tenant)) == 1
    assert await chunk_texts(tenant) == []
