"""The visitor chat: pages, visitor tokens, messages, the offline answer."""

from __future__ import annotations

import uuid

from saasaisite.chat.markdown import render_markdown
from saasaisite.models import (
    Dialog,
    DialogKind,
    Language,
    Message,
    MessageRole,
    MessageStatus,
    PromptChunk,
    Tenant,
    User,
)
from saasaisite.tenancy import tenant_scope
from tests.chat_helpers import answers_of, open_stream, send
from tests.conftest import Client

Pair = tuple[Tenant, User]


async def configure(
    tenant: Tenant,
    *,
    language: Language = Language.EN,
    contact_form: bool = False,
    accent: str = "#2563eb",
) -> Tenant:
    tenant.language = language
    tenant.bot_name = "Sunny"
    tenant.greeting = "Hi, I am Sunny from the bike shop."
    tenant.accent_color = accent
    tenant.contact_form = contact_form
    await tenant.save()
    return tenant


async def stored_messages(tenant: Tenant) -> list[Message]:
    with tenant_scope(tenant.id):
        return await Message.all().order_by("created_at")


async def test_chat_page_shows_bot_name_greeting_and_accent(
    client: Client, tenant_a: Pair
) -> None:
    await configure(tenant_a[0], accent="#0f766e")
    response = await client.get("/alpha/chat")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sunny" in page
    assert "Hi, I am Sunny from the bike shop." in page
    assert "--chat-accent: #0f766e" in page
    assert 'lang="en"' in page
    assert "Send" in page


async def test_chat_speaks_the_tenants_language_not_the_browsers(
    client: Client, tenant_a: Pair
) -> None:
    await configure(tenant_a[0], language=Language.RU)
    response = await client.get("/alpha/chat", headers={"Accept-Language": "en"})
    page = await response.get_data(as_text=True)
    assert 'lang="ru"' in page
    assert "Отправить" in page


async def test_light_accent_gets_dark_ink(client: Client, tenant_a: Pair) -> None:
    await configure(tenant_a[0], accent="#fde047")
    page = await (await client.get("/alpha/chat")).get_data(as_text=True)
    assert "--chat-accent-ink: #111111" in page


async def test_unknown_slug_chat_is_not_found(client: Client, tenant_a: Pair) -> None:
    for path in ("/nobody/chat", "/nobody/chat/embed", "/nobody/chat/history"):
        assert (await client.get(path)).status_code == 404
    response = await client.http.post(
        "/nobody/chat/messages", form={"text": "hi"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 404


async def test_embed_may_be_framed_and_the_full_page_may_not(
    client: Client, tenant_a: Pair
) -> None:
    embed = await client.get("/alpha/chat/embed")
    assert embed.status_code == 200
    assert embed.headers["Content-Security-Policy"] == "frame-ancestors *"
    assert "X-Frame-Options" not in embed.headers
    full = await client.get("/alpha/chat")
    assert full.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert full.headers["Content-Security-Policy"] == "frame-ancestors 'self'"


async def test_message_is_stored_before_the_answer_and_needs_no_csrf_cookie(
    client: Client, tenant_a: Pair
) -> None:
    tenant = await configure(tenant_a[0])
    sent = await send(client, "alpha", "  Do you repair bikes?  ")
    assert sent.status == 200
    assert sent.token
    messages = await stored_messages(tenant)
    assert [(m.role, m.content, m.status) for m in messages] == [
        (MessageRole.USER, "Do you repair bikes?", MessageStatus.DONE),
        (MessageRole.ASSISTANT, "", MessageStatus.PENDING),
    ]
    assert f'id="answer-{messages[1].id}"' in sent.html
    assert 'sse-close="end"' in sent.html
    with tenant_scope(tenant.id):
        dialog = await Dialog.get()
    assert dialog.kind == DialogKind.VISITOR
    assert dialog.message_count == 2
    assert dialog.started_on == "https://shop.example/page"


async def test_offline_answer_quotes_the_best_matching_chunk(
    client: Client, tenant_a: Pair
) -> None:
    tenant = await configure(tenant_a[0])
    with tenant_scope(tenant.id):
        await PromptChunk.create(text="We are open from nine to six.", position=1)
        await PromptChunk.create(text="Bike repairs take two days.", position=2)
        await PromptChunk.create(text="Delivery costs five euros.", position=3)
    sent = await send(client, "alpha", "How long do bike repairs take?")
    async with open_stream(client, "alpha", sent.answer_id, sent.token) as stream:
        events = await stream.until_end()

    shown = answers_of(events)
    assert len(shown) >= 2, "the offline answer streams in pieces too"
    final = shown[-1]
    assert "No language model is connected to this chat yet." in final
    assert "Bike repairs take two days." in final
    assert "Delivery" not in final
    answer = (await stored_messages(tenant))[-1]
    assert answer.status == MessageStatus.DONE
    assert "Bike repairs take two days." in answer.content


async def test_offline_answer_without_a_matching_chunk_asks_for_a_contact(
    client: Client, tenant_a: Pair
) -> None:
    await configure(tenant_a[0])
    sent = await send(client, "alpha", "Quantum chromodynamics?")
    async with open_stream(client, "alpha", sent.answer_id, sent.token) as stream:
        final = answers_of(await stream.until_end())[-1]
    assert "None of the site&#39;s notes matches your question." in final


async def test_visitor_token_of_one_tenant_is_refused_on_another(
    client: Client, tenant_a: Pair, tenant_b: Pair
) -> None:
    await configure(tenant_a[0])
    await configure(tenant_b[0])
    sent = await send(client, "alpha", "Hello from alpha")

    refused = await send(client, "bravo", "Hello with alpha's token", sent.token)
    assert refused.status == 403
    assert "This conversation cannot go on here." in refused.html
    assert "Hello with alpha&#39;s token" in refused.html
    history = await client.get(
        "/bravo/chat/history", headers={"X-Visitor-Token": sent.token}
    )
    assert history.status_code == 403
    stream = await client.get(
        f"/bravo/chat/answers/{sent.answer_id}/stream",
        query_string={"token": sent.token},
    )
    assert stream.status_code == 403
    with tenant_scope(tenant_b[0].id):
        assert await Dialog.all().count() == 0
        assert await Message.all().count() == 0


async def test_forged_token_is_refused(client: Client, tenant_a: Pair) -> None:
    await configure(tenant_a[0])
    sent = await send(client, "alpha", "Hello")
    refused = await send(client, "alpha", "Again", sent.token[:-2] + "xx")
    assert refused.status == 403


async def test_another_visitor_cannot_read_or_stop_an_answer(
    client: Client, tenant_a: Pair
) -> None:
    tenant = await configure(tenant_a[0])
    mine = await send(client, "alpha", "My question")
    theirs = await send(client, "alpha", "Their question")
    assert mine.token != theirs.token

    stream = await client.get(
        f"/alpha/chat/answers/{mine.answer_id}/stream",
        query_string={"token": theirs.token},
    )
    assert stream.status_code == 404
    stop = await client.http.post(
        f"/alpha/chat/answers/{mine.answer_id}/stop",
        headers={"HX-Request": "true", "X-Visitor-Token": theirs.token},
    )
    assert stop.status_code == 404
    unknown = await client.get(
        f"/alpha/chat/answers/{uuid.uuid4()}/stream",
        query_string={"token": mine.token},
    )
    assert unknown.status_code == 404
    answer = (await stored_messages(tenant))[1]
    assert answer.status == MessageStatus.PENDING


async def test_history_shows_the_visitors_dialog_and_no_one_elses(
    client: Client, tenant_a: Pair
) -> None:
    await configure(tenant_a[0])
    first = await send(client, "alpha", "Where is the shop?")
    async with open_stream(client, "alpha", first.answer_id, first.token) as stream:
        await stream.until_end()
    await send(client, "alpha", "Someone else's question")

    history = await client.get(
        "/alpha/chat/history", headers={"X-Visitor-Token": first.token}
    )
    html = await history.get_data(as_text=True)
    assert "Hi, I am Sunny from the bike shop." in html
    assert "Where is the shop?" in html
    assert "No language model is connected" in html
    assert "Someone else" not in html
    assert "sse-connect" not in html, "a finished answer is not streamed again"

    fresh = await client.get("/alpha/chat/history")
    fresh_html = await fresh.get_data(as_text=True)
    assert "Where is the shop?" not in fresh_html
    assert "Hi, I am Sunny" in fresh_html


async def test_history_reconnects_an_answer_still_pending(
    client: Client, tenant_a: Pair
) -> None:
    await configure(tenant_a[0])
    sent = await send(client, "alpha", "Hello")
    history = await client.get(
        "/alpha/chat/history", headers={"X-Visitor-Token": sent.token}
    )
    html = await history.get_data(as_text=True)
    assert f"/alpha/chat/answers/{sent.answer_id}/stream?token=" in html


async def test_messages_of_one_visitor_stay_in_one_dialog(
    client: Client, tenant_a: Pair
) -> None:
    tenant = await configure(tenant_a[0])
    first = await send(client, "alpha", "One")
    second = await send(client, "alpha", "Two", first.token)
    assert second.token == first.token
    with tenant_scope(tenant.id):
        [dialog] = await Dialog.all()
    assert dialog.message_count == 4
    assert dialog.preview == "One"


async def test_too_long_message_is_refused_and_the_text_kept(
    client: Client, tenant_a: Pair
) -> None:
    tenant = await configure(tenant_a[0])
    text = "a" * 2001
    refused = await send(client, "alpha", text)
    assert refused.status == 400
    assert "The message is too long: 2001 characters, at most 2000." in refused.html
    assert text in refused.html
    assert 'id="chat-form"' in refused.html
    assert await stored_messages(tenant) == []

    accepted = await send(client, "alpha", "a" * 2000)
    assert accepted.status == 200


async def test_empty_message_is_refused(client: Client, tenant_a: Pair) -> None:
    tenant = await configure(tenant_a[0])
    refused = await send(client, "alpha", "   ")
    assert refused.status == 400
    assert "Type a message first." in refused.html
    assert await stored_messages(tenant) == []


async def test_refusal_is_in_the_tenants_language(
    client: Client, tenant_a: Pair
) -> None:
    await configure(tenant_a[0], language=Language.RU)
    refused = await send(client, "alpha", "")
    assert "Сначала напишите сообщение." in refused.html


async def test_without_javascript_a_post_returns_to_the_page_with_the_token(
    client: Client, tenant_a: Pair
) -> None:
    await configure(tenant_a[0])
    response = await client.http.post(
        "/alpha/chat/messages", form={"text": "No JS here", "mode": "embed"}
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/alpha/chat/embed?token=")
    page = await client.get(location)
    assert "No JS here" in await page.get_data(as_text=True)


async def test_html_written_by_visitor_or_model_is_never_markup(
    client: Client, tenant_a: Pair
) -> None:
    tenant = await configure(tenant_a[0])
    attack = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    sent = await send(client, "alpha", attack)
    assert "<script>alert(1)" not in sent.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in sent.html
    answer = (await stored_messages(tenant))[1]
    with tenant_scope(tenant.id):
        await Message.filter(id=answer.id).update(
            content=f"Look: {attack} [click](javascript:alert(3))",
            status=MessageStatus.DONE,
        )
    history = await client.get(
        "/alpha/chat/history", headers={"X-Visitor-Token": sent.token}
    )
    html = await history.get_data(as_text=True)
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript' not in html


def test_markdown_subset_renders_safely() -> None:
    html = render_markdown(
        "Hello **you**, *see*:\n\n- one\n- [two](https://example.com/a?b=1&c=2)\n\n"
        "1. first\n\n```\n<b>code</b>\n```\nand `x<y`"
    )
    assert "<strong>you</strong>" in html
    assert "<em>see</em>" in html
    assert "<ul><li>one</li><li><a href=" in html
    assert (
        '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" '
        'rel="noopener">two</a>' in html
    )
    assert "<ol><li>first</li></ol>" in html
    assert "<pre><code>&lt;b&gt;code&lt;/b&gt;</code></pre>" in html
    assert "<code>x&lt;y</code>" in html


def test_markdown_of_a_half_written_answer_is_still_well_formed() -> None:
    assert render_markdown("Try:\n```\nprint(1)") == (
        "<p>Try:</p><pre><code>print(1)</code></pre>"
    )
    sneaky = render_markdown('A [link](https://x.test/" onmouseover="x)')
    assert 'onmouseover="' not in sneaky
    assert "onmouseover=&#34;x)" in sneaky
