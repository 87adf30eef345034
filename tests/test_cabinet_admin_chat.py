"""The admin chat: the team tries the bot, streamed, apart from visitors."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from quart.testing import connections

from saasaisite.config import Settings
from saasaisite.models import (
    Dialog,
    DialogKind,
    Lead,
    Message,
    MessageStatus,
    PromptChunk,
    Role,
    Tenant,
    User,
)
from saasaisite.security import hash_password
from saasaisite.tenancy import tenant_scope
from tests.chat_helpers import AnswerStream, answers_of
from tests.conftest import PASSWORD, Client, with_model
from tests.fake_llm import FakeLLM

ANSWER_ID = re.compile(r'id="answer-([0-9a-f-]{36})"')


@pytest.fixture
def settings(settings: Settings, fake_server: FakeLLM) -> Settings:
    """The test settings, answered by the fake model."""
    return with_model(settings, fake_server, timeout=3.0)


async def send(client: Client, text: str, slug: str = "alpha") -> tuple[int, str]:
    response = await client.post(
        f"/{slug}/my/chat/messages",
        {"text": text},
        htmx=True,
        headers={"Accept-Language": "en"},
    )
    return response.status_code, await response.get_data(as_text=True)


def answer_id(html: str) -> uuid.UUID:
    found = ANSWER_ID.search(html)
    assert found, html
    return uuid.UUID(found.group(1))


@asynccontextmanager
async def open_stream(
    client: Client, answer: uuid.UUID, slug: str = "alpha"
) -> AsyncIterator[AnswerStream]:
    path = f"/{slug}/my/chat/answers/{answer}/stream"
    async with client.http.request(path) as connection:
        assert isinstance(connection, connections.TestHTTPConnection)
        await connection.send_complete()
        try:
            yield AnswerStream(connection)
        finally:
            await connection.disconnect()


async def test_the_owner_sees_the_admin_chat_page(owner_client: Client) -> None:
    response = await owner_client.get(
        "/alpha/my/chat", headers={"Accept-Language": "en"}
    )
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Admin chat" in page
    assert 'id="admin-chat-form"' in page


async def test_the_admin_chat_streams_an_answer_under_the_current_prompt(
    owner_client: Client, tenant_a: tuple[Tenant, User], fake_llm: FakeLLM
) -> None:
    tenant, owner = tenant_a
    with tenant_scope(tenant.id):
        await PromptChunk.create(text="We sell blue bicycles.", position=0)
    fake_llm.answer("We ", "sell ", "**blue** ", "bicycles.", delay=0.05)

    status, html = await send(owner_client, "What do you sell?")
    assert status == 200
    assert "What do you sell?" in html
    async with open_stream(owner_client, answer_id(html)) as stream:
        events = await stream.until_end()

    assert "<strong>blue</strong>" in answers_of(events)[-1]
    assert "We sell blue bicycles." in fake_llm.system_prompts()[-1]
    with tenant_scope(tenant.id):
        dialog = await Dialog.get(kind=DialogKind.ADMIN)
        assert dialog.user_id == owner.id
        answer = await Message.get(id=answer_id(html))
    assert answer.status == MessageStatus.DONE
    assert answer.content == "We sell **blue** bicycles."

    page = await (await owner_client.get("/alpha/my/chat")).get_data(as_text=True)
    assert "<strong>blue</strong>" in page


async def test_admin_dialogs_stay_out_of_visitor_dialogs_and_leads(
    owner_client: Client, tenant_a: tuple[Tenant, User], fake_llm: FakeLLM
) -> None:
    tenant, _owner = tenant_a
    fake_llm.answer("Noted.")
    _status, html = await send(owner_client, "Write to me at boss@alpha.test")
    async with open_stream(owner_client, answer_id(html)) as stream:
        await stream.until_end()

    dialogs = await (await owner_client.get("/alpha/my/dialogs")).get_data(as_text=True)
    assert "boss@alpha.test" not in dialogs
    with tenant_scope(tenant.id):
        assert await Lead.all().count() == 0
        assert await Dialog.filter(kind=DialogKind.VISITOR).count() == 0


async def test_an_empty_or_too_long_message_is_refused_and_kept(
    owner_client: Client,
) -> None:
    status, html = await send(owner_client, "   ")
    assert status == 400
    assert "Type a message first." in html

    long_text = "x" * 2001
    status, html = await send(owner_client, long_text)
    assert status == 400
    assert "2001" in html
    assert long_text in html


async def test_start_over_begins_an_empty_dialog(
    owner_client: Client, tenant_a: tuple[Tenant, User], fake_llm: FakeLLM
) -> None:
    tenant, _owner = tenant_a
    fake_llm.answer("First answer.")
    _status, html = await send(owner_client, "First question")
    async with open_stream(owner_client, answer_id(html)) as stream:
        await stream.until_end()

    response = await owner_client.post("/alpha/my/chat/new")
    assert response.status_code == 303
    page = await (await owner_client.get("/alpha/my/chat")).get_data(as_text=True)
    assert "First question" not in page
    with tenant_scope(tenant.id):
        assert await Dialog.filter(kind=DialogKind.ADMIN).count() == 2
        assert await Message.all().count() == 2


async def test_stop_cuts_the_answer_short(
    owner_client: Client, tenant_a: tuple[Tenant, User], fake_llm: FakeLLM
) -> None:
    tenant, _owner = tenant_a
    fake_llm.answer(*(["word "] * 40), delay=0.1)
    _status, html = await send(owner_client, "Talk a lot")
    answer = answer_id(html)
    async with open_stream(owner_client, answer) as stream:
        await stream.next_event()
        stop = await owner_client.post(
            f"/alpha/my/chat/answers/{answer}/stop", htmx=True
        )
        assert stop.status_code == 204
        await stream.until_end()

    with tenant_scope(tenant.id):
        stored = await Message.get(id=answer)
    assert stored.status == MessageStatus.CUT_SHORT
    assert 0 < stored.content.count("word") < 40


async def test_another_tenants_session_cannot_use_the_admin_chat(
    client: Client, tenant_a: tuple[Tenant, User], tenant_b: tuple[Tenant, User]
) -> None:
    tenant, owner = tenant_b
    await client.login(tenant.slug, owner.email)

    page = await client.get("/alpha/my/chat")
    assert page.status_code == 303
    assert page.headers["Location"].startswith("/alpha/login")
    posted = await client.post("/alpha/my/chat/messages", {"text": "hi"})
    assert posted.status_code == 303
    with tenant_scope(tenant_a[0].id):
        assert await Message.all().count() == 0


async def test_another_tenants_answer_is_not_found(
    owner_client: Client,
    make_client: Callable[[], Client],
    tenant_b: tuple[Tenant, User],
    fake_llm: FakeLLM,
) -> None:
    tenant, owner = tenant_b
    other = make_client()
    await other.login(tenant.slug, owner.email)
    fake_llm.answer("Bravo's secret answer.")
    _status, html = await send(other, "Bravo question", slug="bravo")
    foreign = answer_id(html)

    stream = await owner_client.get(f"/alpha/my/chat/answers/{foreign}/stream")
    assert stream.status_code == 404
    assert "Bravo" not in await stream.get_data(as_text=True)
    stop = await owner_client.post(f"/alpha/my/chat/answers/{foreign}/stop")
    assert stop.status_code == 404
    with tenant_scope(tenant.id):
        assert (await Message.get(id=foreign)).status == MessageStatus.PENDING


async def test_a_members_admin_dialog_is_their_own(
    owner_client: Client,
    make_client: Callable[[], Client],
    tenant_a: tuple[Tenant, User],
    fake_llm: FakeLLM,
) -> None:
    tenant, _owner = tenant_a
    with tenant_scope(tenant.id):
        await User.create(
            email="member@alpha.test",
            name="Member",
            password_hash=await hash_password(PASSWORD),
            role=Role.MEMBER,
            confirmed_at=tenant.created_at,
        )
    member = make_client()
    await member.login("alpha", "member@alpha.test")
    _status, html = await send(member, "Member's private question")

    page = await (await owner_client.get("/alpha/my/chat")).get_data(as_text=True)
    assert "private question" not in page
    stream = await owner_client.get(f"/alpha/my/chat/answers/{answer_id(html)}/stream")
    assert stream.status_code == 404
