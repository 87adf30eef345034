"""The prompt page: chunks added, edited, deleted, moved, and the preview."""

from __future__ import annotations

import markupsafe
import pytest

from saasaisite.models import PromptChunk, Tenant, User
from saasaisite.prompting import default_prompt
from saasaisite.tenancy import tenant_scope
from tests.cabinet_data import chunk_texts, make_chunks
from tests.conftest import Client

EN = {"Accept-Language": "en"}
Pair = tuple[Tenant, User]


async def positions(tenant: Tenant) -> list[int]:
    with tenant_scope(tenant.id):
        chunks = await PromptChunk.all().order_by("position")
    return [chunk.position for chunk in chunks]


async def test_with_no_chunks_the_default_prompt_is_shown_as_default(
    owner_client: Client,
) -> None:
    response = await owner_client.get("/alpha/my/prompt", headers=EN)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Default prompt" in page
    assert str(markupsafe.escape(default_prompt()[:60])) in page
    assert f"{len(default_prompt())} characters" in page


async def test_an_added_chunk_goes_last_and_into_the_preview(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    await make_chunks(tenant, "You sell bicycles.")
    response = await owner_client.post(
        "/alpha/my/prompt/chunks", {"text": "Answer in two sentences."}, headers=EN
    )
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The chunk is added." in page
    assert "Default prompt" not in page
    preview = "You sell bicycles.\n\nAnswer in two sentences."
    assert preview in page
    assert f"{len(preview)} characters" in page
    assert await chunk_texts(tenant) == [
        "You sell bicycles.",
        "Answer in two sentences.",
    ]
    assert await positions(tenant) == [0, 1]


async def test_htmx_gets_only_the_region_back(owner_client: Client) -> None:
    response = await owner_client.post(
        "/alpha/my/prompt/chunks", {"text": "Be kind."}, htmx=True, headers=EN
    )
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="prompt-region"')
    assert "<html" not in page


async def test_a_600_character_chunk_is_refused_and_its_text_kept(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    text = "Long words. " * 50
    response = await owner_client.post(
        "/alpha/my/prompt/chunks", {"text": text}, htmx=True, headers=EN
    )
    page = await response.get_data(as_text=True)
    assert response.status_code == 400
    assert "at most 500 characters; this one has 599" in page
    assert text.strip() in page
    assert await chunk_texts(tenant) == []


async def test_exactly_500_characters_are_accepted(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    response = await owner_client.post("/alpha/my/prompt/chunks", {"text": "a" * 500})
    assert response.status_code == 200
    assert await chunk_texts(tenant) == ["a" * 500]


async def test_an_empty_chunk_is_refused(owner_client: Client, tenant_a: Pair) -> None:
    tenant, _owner = tenant_a
    response = await owner_client.post(
        "/alpha/my/prompt/chunks", {"text": "   "}, headers=EN
    )
    assert response.status_code == 400
    assert "Write the text of the chunk." in await response.get_data(as_text=True)
    assert await chunk_texts(tenant) == []


async def test_the_edit_form_opens_in_place_with_the_text(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    chunk, _other = await make_chunks(tenant, "Old text.", "Other.")
    response = await owner_client.get(
        f"/alpha/my/prompt?edit={chunk.id}", headers={**EN, "HX-Request": "true"}
    )
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="field-edit"' in page
    assert ">Old text.</textarea>" in page


async def test_editing_a_chunk_replaces_its_text(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    chunk, _other = await make_chunks(tenant, "Old text.", "Other.")
    response = await owner_client.post(
        f"/alpha/my/prompt/chunks/{chunk.id}", {"text": "New text."}, headers=EN
    )
    assert response.status_code == 200
    assert "The chunk is saved." in await response.get_data(as_text=True)
    assert await chunk_texts(tenant) == ["New text.", "Other."]


async def test_a_too_long_edit_is_refused_and_the_text_kept(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    (chunk,) = await make_chunks(tenant, "Old text.")
    text = "x" * 600
    response = await owner_client.post(
        f"/alpha/my/prompt/chunks/{chunk.id}", {"text": text}, headers=EN
    )
    page = await response.get_data(as_text=True)
    assert response.status_code == 400
    assert "this one has 600" in page
    assert f">{text}</textarea>" in page
    assert await chunk_texts(tenant) == ["Old text."]


async def test_deleting_renumbers_and_undo_puts_the_chunk_back(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    _first, middle, _last = await make_chunks(tenant, "One.", "Two.", "Three.")
    response = await owner_client.post(
        f"/alpha/my/prompt/chunks/{middle.id}/delete", headers=EN
    )
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The chunk is deleted." in page
    assert "Undo the deletion" in page
    assert await chunk_texts(tenant) == ["One.", "Three."]
    assert await positions(tenant) == [0, 1]

    response = await owner_client.post(
        "/alpha/my/prompt/chunks/restore", {"text": "Two.", "position": "1"}
    )
    assert response.status_code == 200
    assert await chunk_texts(tenant) == ["One.", "Two.", "Three."]
    assert await positions(tenant) == [0, 1, 2]


async def test_up_and_down_buttons_move_a_chunk(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    _first, _second, third = await make_chunks(tenant, "A.", "B.", "C.")
    response = await owner_client.post(
        f"/alpha/my/prompt/chunks/{third.id}/move",
        {"position": "2", "direction": "up"},
        headers=EN,
    )
    assert response.status_code == 200
    assert "The chunk is now number 2." in await response.get_data(as_text=True)
    assert await chunk_texts(tenant) == ["A.", "C.", "B."]

    await owner_client.post(
        f"/alpha/my/prompt/chunks/{third.id}/move", {"position": "1"}
    )
    assert await chunk_texts(tenant) == ["C.", "A.", "B."]
    assert await positions(tenant) == [0, 1, 2]


@pytest.mark.parametrize("position", ["0", "4", "-1", "two", ""])
async def test_a_position_out_of_range_is_refused(
    owner_client: Client, tenant_a: Pair, position: str
) -> None:
    tenant, _owner = tenant_a
    first, _second, _third = await make_chunks(tenant, "A.", "B.", "C.")
    response = await owner_client.post(
        f"/alpha/my/prompt/chunks/{first.id}/move",
        {"position": position},
        htmx=True,
        headers=EN,
    )
    assert response.status_code == 400
    page = await response.get_data(as_text=True)
    assert "The position must be a number from 1 to 3." in page
    assert await chunk_texts(tenant) == ["A.", "B.", "C."]


async def test_the_dragged_order_is_stored(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    first, second, third = await make_chunks(tenant, "A.", "B.", "C.")
    order = ",".join(str(chunk.id) for chunk in (third, first, second))
    response = await owner_client.post(
        "/alpha/my/prompt/order", {"order": order}, htmx=True, headers=EN
    )
    assert response.status_code == 200
    assert "The new order is saved." in await response.get_data(as_text=True)
    assert await chunk_texts(tenant) == ["C.", "A.", "B."]
    assert await positions(tenant) == [0, 1, 2]


async def test_an_order_missing_a_chunk_is_refused(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    first, second, _third = await make_chunks(tenant, "A.", "B.", "C.")
    response = await owner_client.post(
        "/alpha/my/prompt/order", {"order": f"{second.id},{first.id}"}, headers=EN
    )
    assert response.status_code == 400
    assert "does not match the chunks" in await response.get_data(as_text=True)
    assert await chunk_texts(tenant) == ["A.", "B.", "C."]


async def test_an_order_with_another_tenants_chunk_is_refused(
    owner_client: Client, tenant_a: Pair, tenant_b: Pair
) -> None:
    tenant, _owner = tenant_a
    other, _owner_b = tenant_b
    first, second = await make_chunks(tenant, "A.", "B.")
    (foreign,) = await make_chunks(other, "Bravo secret words.")
    order = f"{second.id},{foreign.id}"
    response = await owner_client.post(
        "/alpha/my/prompt/order", {"order": order}, headers=EN
    )
    assert response.status_code == 400
    assert await chunk_texts(tenant) == ["A.", "B."]
    assert await chunk_texts(other) == ["Bravo secret words."]
    assert first.id != foreign.id


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/alpha/my/prompt/chunks/{id}", {"text": "Taken over."}),
        ("/alpha/my/prompt/chunks/{id}/delete", {}),
        ("/alpha/my/prompt/chunks/{id}/move", {"position": "1"}),
    ],
)
async def test_another_tenants_chunk_is_not_found_and_unchanged(
    owner_client: Client, tenant_b: Pair, path: str, data: dict[str, str]
) -> None:
    other, _owner = tenant_b
    (foreign,) = await make_chunks(other, "Bravo secret words.")
    response = await owner_client.post(path.format(id=foreign.id), data)
    assert response.status_code == 404
    assert await chunk_texts(other) == ["Bravo secret words."]


async def test_another_tenants_chunk_cannot_be_opened_for_editing(
    owner_client: Client, tenant_b: Pair
) -> None:
    other, _owner = tenant_b
    (foreign,) = await make_chunks(other, "Bravo secret words.")
    response = await owner_client.get(f"/alpha/my/prompt?edit={foreign.id}")
    assert response.status_code == 404
    assert "Bravo secret words." not in await response.get_data(as_text=True)


async def test_the_page_never_shows_another_tenants_chunks(
    owner_client: Client, tenant_b: Pair
) -> None:
    other, _owner = tenant_b
    await make_chunks(other, "Bravo secret words.")
    response = await owner_client.get("/alpha/my/prompt")
    assert "Bravo secret words." not in await response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/alpha/my/prompt"),
        ("POST", "/alpha/my/prompt/chunks"),
        ("POST", "/alpha/my/prompt/chunks/restore"),
        ("POST", "/alpha/my/prompt/order"),
        ("POST", "/alpha/my/prompt/chunks/{id}"),
        ("POST", "/alpha/my/prompt/chunks/{id}/delete"),
        ("POST", "/alpha/my/prompt/chunks/{id}/move"),
    ],
)
async def test_another_tenants_session_is_sent_to_log_in(
    client: Client, tenant_a: Pair, tenant_b: Pair, method: str, path: str
) -> None:
    tenant, _owner = tenant_a
    other, other_owner = tenant_b
    (chunk,) = await make_chunks(tenant, "Alpha own words.")
    await client.login(other.slug, other_owner.email)
    url = path.format(id=chunk.id)
    data = {"text": "Taken over.", "position": "1", "order": str(chunk.id)}
    if method == "GET":
        response = await client.get(url)
    else:
        response = await client.post(url, data)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/alpha/login")
    assert await chunk_texts(tenant) == ["Alpha own words."]
