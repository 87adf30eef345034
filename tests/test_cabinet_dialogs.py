"""The dialogs list, a dialog's page with live messages, and deletion."""

from __future__ import annotations

import re

import pytest

from saasaisite.cabinet.dialogs import PAGE_SIZE
from saasaisite.models import (
    Dialog,
    DialogKind,
    Lead,
    Message,
    MessageRole,
    MessageStatus,
    SavedItem,
    Tenant,
    User,
)
from saasaisite.tenancy import tenant_scope
from tests.cabinet_data import add_message, make_dialog, make_lead
from tests.conftest import Client

EN = {"Accept-Language": "en"}
HTMX = {**EN, "HX-Request": "true"}
Pair = tuple[Tenant, User]


def dialog_links(page: str) -> list[str]:
    return re.findall(r'href="/alpha/my/dialogs/([0-9a-f-]{36})"', page)


async def test_dialogs_are_listed_newest_activity_first(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    old = await make_dialog(tenant, "Old question", minutes_ago=30)
    new = await make_dialog(tenant, "New question", "An answer", minutes_ago=1)
    response = await owner_client.get("/alpha/my/dialogs", headers=EN)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert dialog_links(page) == [str(new.id), str(old.id)]
    assert "New question" in page
    assert "Messages:</span> 2" in page


async def test_admin_dialogs_stay_out_of_the_list(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    await make_dialog(tenant, "Owner trying the bot", kind=DialogKind.ADMIN)
    response = await owner_client.get("/alpha/my/dialogs", headers=EN)
    page = await response.get_data(as_text=True)
    assert "Owner trying the bot" not in page
    assert "No dialogs yet" in page


async def test_the_lead_mark_and_the_lead_filter(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    with_lead = await make_dialog(tenant, "Call me", has_lead=True)
    await make_dialog(tenant, "Just looking", minutes_ago=5)
    response = await owner_client.get("/alpha/my/dialogs?lead=1", headers=EN)
    page = await response.get_data(as_text=True)
    assert dialog_links(page) == [str(with_lead.id)]
    assert 'class="badge badge--lead"' in page


async def test_search_finds_words_in_any_message_whatever_the_case(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    found = await make_dialog(tenant, "Hello", "We deliver BICYCLES on Monday")
    await make_dialog(tenant, "Do you sell scooters?")
    response = await owner_client.get("/alpha/my/dialogs?q=bicycles", headers=HTMX)
    page = await response.get_data(as_text=True)
    assert page.lstrip().startswith('<div id="dialog-results">')
    assert dialog_links(page) == [str(found.id)]


async def test_a_search_that_matches_nothing_says_so(owner_client: Client) -> None:
    response = await owner_client.get("/alpha/my/dialogs?q=%25_", headers=EN)
    assert "No dialog matches this search." in await response.get_data(as_text=True)


async def test_more_dialogs_come_page_by_page_without_gaps_or_repeats(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    created = [
        await make_dialog(tenant, f"Question {index}", minutes_ago=index)
        for index in range(PAGE_SIZE + 7)
    ]
    response = await owner_client.get("/alpha/my/dialogs", headers=EN)
    page = await response.get_data(as_text=True)
    first = dialog_links(page)
    assert len(first) == PAGE_SIZE
    more = re.search(r'<a href="(/alpha/my/dialogs\?after=[^"]+)" hx-get', page)
    assert more, "the first page links to more"

    response = await owner_client.get(more.group(1).replace("&amp;", "&"), headers=HTMX)
    rows = await response.get_data(as_text=True)
    assert rows.lstrip().startswith("<tr>")
    second = dialog_links(rows)
    assert first + second == [str(dialog.id) for dialog in created]
    assert "Show more dialogs" not in rows


async def test_a_broken_cursor_is_not_found(owner_client: Client) -> None:
    response = await owner_client.get("/alpha/my/dialogs?after=yesterday")
    assert response.status_code == 404


async def test_the_dialog_page_shows_transcript_page_and_lead(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    dialog = await make_dialog(
        tenant, "<b>Hi</b>\nsecond line", "Hello!", has_lead=True
    )
    await make_lead(tenant, "ann@example.com", name="Ann", dialog=dialog)
    response = await owner_client.get(f"/alpha/my/dialogs/{dialog.id}", headers=EN)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "&lt;b&gt;Hi&lt;/b&gt;\nsecond line" in page
    assert "<b>Hi</b>" not in page
    assert 'href="https://shop.example/prices"' in page
    assert "ann@example.com" in page
    assert "status: New" in page


async def test_the_bots_answers_read_as_safe_markdown_in_the_transcript(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    answer = "We open at **nine**.\n\n<script>alert(1)</script>"
    dialog = await make_dialog(tenant, "When?", answer)
    response = await owner_client.get(f"/alpha/my/dialogs/{dialog.id}", headers=EN)
    page = await response.get_data(as_text=True)
    assert "We open at <strong>nine</strong>." in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_a_started_on_address_that_is_not_http_is_not_a_link(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    dialog = await make_dialog(tenant, "Hi", started_on="javascript:alert(1)")
    response = await owner_client.get(f"/alpha/my/dialogs/{dialog.id}")
    page = await response.get_data(as_text=True)
    assert 'href="javascript:' not in page
    assert "javascript:alert(1)" in page


async def test_polling_returns_only_new_messages_then_nothing(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    dialog = await make_dialog(tenant, "First question", "First answer")
    page = await (await owner_client.get(f"/alpha/my/dialogs/{dialog.id}")).get_data(
        as_text=True
    )
    poll = re.search(r'hx-get="(/alpha/my/dialogs/[^"]+/live[^"]*)"', page)
    assert poll
    url = poll.group(1).replace("&amp;", "&")

    response = await owner_client.get(url, headers=HTMX)
    assert response.status_code == 204

    await add_message(tenant, dialog, "A second question")
    response = await owner_client.get(url, headers=HTMX)
    fresh = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A second question" in fresh
    assert "First answer" not in fresh
    assert 'id="live-tail"' in fresh


async def test_an_answer_being_written_is_polled_until_it_is_done(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    dialog = await make_dialog(tenant, "Question")
    answer = await add_message(
        tenant,
        dialog,
        "Half an ans",
        role=MessageRole.ASSISTANT,
        status=MessageStatus.STREAMING,
    )
    page = await (
        await owner_client.get(f"/alpha/my/dialogs/{dialog.id}", headers=EN)
    ).get_data(as_text=True)
    url = re.findall(r'hx-get="(/alpha/my/dialogs/[^"]+/live[^"]*)"', page)[0]
    assert "writing" in page

    with tenant_scope(tenant.id):
        answer.content = "Half an answer, now whole."
        answer.status = MessageStatus.DONE
        await answer.save()
    response = await owner_client.get(url.replace("&amp;", "&"), headers=HTMX)
    fresh = await response.get_data(as_text=True)
    assert "Half an answer, now whole." in fresh
    assert "Question" not in fresh


async def test_deleting_a_dialog_removes_its_messages_and_keeps_its_lead(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    dialog = await make_dialog(tenant, "Call me", "Sure", has_lead=True)
    lead = await make_lead(tenant, "+79990001122", dialog=dialog)
    confirm = await owner_client.get(
        f"/alpha/my/dialogs/{dialog.id}/delete", headers=EN
    )
    assert "Delete the dialog?" in await confirm.get_data(as_text=True)

    response = await owner_client.post(f"/alpha/my/dialogs/{dialog.id}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == "/alpha/my/dialogs?deleted=1"
    with tenant_scope(tenant.id):
        assert not await Dialog.exists(id=dialog.id)
        assert not await Message.exists(dialog_id=dialog.id)
        kept = await Lead.get(id=lead.id)
    assert kept.dialog_id is None
    assert kept.dialog_removed


async def test_deleting_with_htmx_redirects_to_the_list(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    dialog = await make_dialog(tenant, "Bye")
    response = await owner_client.post(
        f"/alpha/my/dialogs/{dialog.id}/delete", htmx=True
    )
    assert response.headers["HX-Redirect"] == "/alpha/my/dialogs?deleted=1"


async def test_a_saved_message_outlives_its_deleted_dialog(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    dialog = await make_dialog(tenant, "Keep this answer")
    with tenant_scope(tenant.id):
        message = await Message.get(dialog_id=dialog.id)
    await owner_client.post("/alpha/my/saved", {"message_id": str(message.id)})
    await owner_client.post(f"/alpha/my/dialogs/{dialog.id}/delete")
    with tenant_scope(tenant.id):
        kept = await SavedItem.filter(content="Keep this answer", message_id=None)
    assert len(kept) == 1


async def test_the_list_never_shows_another_tenants_dialogs(
    owner_client: Client, tenant_b: Pair
) -> None:
    other, _owner = tenant_b
    await make_dialog(other, "Bravo private words", has_lead=True)
    for query in ("", "?q=private", "?lead=1"):
        response = await owner_client.get(f"/alpha/my/dialogs{query}")
        assert "Bravo private words" not in await response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/alpha/my/dialogs/{id}"),
        ("GET", "/alpha/my/dialogs/{id}/live"),
        ("GET", "/alpha/my/dialogs/{id}/delete"),
        ("POST", "/alpha/my/dialogs/{id}/delete"),
    ],
)
async def test_another_tenants_dialog_is_not_found_and_kept(
    owner_client: Client, tenant_b: Pair, method: str, path: str
) -> None:
    other, _owner = tenant_b
    foreign = await make_dialog(other, "Bravo private words")
    url = path.format(id=foreign.id)
    if method == "GET":
        response = await owner_client.get(url)
    else:
        response = await owner_client.post(url)
    assert response.status_code == 404
    assert "Bravo private words" not in await response.get_data(as_text=True)
    with tenant_scope(other.id):
        assert await Message.filter(dialog_id=foreign.id).count() == 1


async def test_polling_with_another_tenants_message_is_not_found(
    owner_client: Client, tenant_a: Pair, tenant_b: Pair
) -> None:
    tenant, _owner = tenant_a
    other, _owner_b = tenant_b
    dialog = await make_dialog(tenant, "Mine")
    foreign = await make_dialog(other, "Bravo private words")
    with tenant_scope(other.id):
        message = await Message.get(dialog_id=foreign.id)
    response = await owner_client.get(
        f"/alpha/my/dialogs/{dialog.id}/live?after={message.id}"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/alpha/my/dialogs",
        "/alpha/my/dialogs/{id}",
        "/alpha/my/dialogs/{id}/live",
        "/alpha/my/dialogs/{id}/delete",
    ],
)
async def test_another_tenants_session_is_sent_to_log_in(
    client: Client, tenant_a: Pair, tenant_b: Pair, path: str
) -> None:
    tenant, _owner = tenant_a
    other, other_owner = tenant_b
    dialog = await make_dialog(tenant, "Alpha words")
    await client.login(other.slug, other_owner.email)
    response = await client.get(path.format(id=dialog.id))
    assert response.status_code == 303
    response = await client.post(f"/alpha/my/dialogs/{dialog.id}/delete")
    assert response.status_code == 303
    with tenant_scope(tenant.id):
        assert await Dialog.exists(id=dialog.id)
