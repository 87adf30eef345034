"""The answer streamed from a model: a fake one listening on a real socket."""

from __future__ import annotations

import asyncio
import logging

import pytest

from saasaisite.config import Settings
from saasaisite.models import (
    Dialog,
    Language,
    Message,
    MessageRole,
    MessageStatus,
    PromptChunk,
    Tenant,
    User,
)
from saasaisite.prompting import prompt_contribution, remove_contribution
from saasaisite.tenancy import tenant_scope
from tests.chat_helpers import answers_of, open_stream, send
from tests.conftest import Client, with_model
from tests.fake_llm import FakeLLM

TOKENS = ["The ", "shop ", "opens ", "at ", "**nine**", "."]
FAILURE = "Sorry, the answer could not be completed. Please try again."


@pytest.fixture
def settings(settings: Settings, fake_server: FakeLLM) -> Settings:
    """The test settings, with the fake model and a short silence timeout."""
    return with_model(settings, fake_server, timeout=1.0)


async def english_tenant(pair: tuple[Tenant, User]) -> Tenant:
    tenant = pair[0]
    tenant.language = Language.EN
    await tenant.save()
    return tenant


async def stored_answer(tenant: Tenant) -> Message:
    with tenant_scope(tenant.id):
        return await Message.get(role=MessageRole.ASSISTANT)


async def test_answer_streams_in_steps_and_is_stored_done(
    client: Client, tenant_a: tuple[Tenant, User], fake_llm: FakeLLM
) -> None:
    tenant = await english_tenant(tenant_a)
    fake_llm.answer(*TOKENS, delay=0.15)
    sent = await send(client, "alpha", "When do you open?")
    assert sent.status == 200
    assert "When do you open?" in sent.html

    async with open_stream(client, "alpha", sent.answer_id, sent.token) as stream:
        events = await stream.until_end()
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        assert stream.headers["Cache-Control"] == "no-cache"
        assert stream.headers["X-Accel-Buffering"] == "no"

    shown = answers_of(events)
    assert len(shown) >= 3, "the answer should grow in several steps"
    assert len(shown[0]) < len(shown[-2])
    assert shown[-1] == "<p>The shop opens at <strong>nine</strong>.</p>"
    answer = await stored_answer(tenant)
    assert answer.status == MessageStatus.DONE
    assert answer.content == "The shop opens at **nine**."
    with tenant_scope(tenant.id):
        dialog = await Dialog.get()
    assert dialog.message_count == 2
    assert dialog.preview == "When do you open?"
    assert dialog.started_on == "https://shop.example/page"
    assert fake_llm.requests[0]["model"] == "fake-model"
    assert fake_llm.requests[0]["messages"][-1] == {
        "role": "user",
        "content": "When do you open?",
    }


@pytest.mark.parametrize("status", [500, 429])
async def test_error_status_fails_the_answer_with_one_sentence(
    client: Client,
    tenant_a: tuple[Tenant, User],
    fake_llm: FakeLLM,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    tenant = await english_tenant(tenant_a)
    fake_llm.fail(status)
    sent = await send(client, "alpha", "Hello?")
    with caplog.at_level(logging.WARNING):
        async with open_stream(client, "alpha", sent.answer_id, sent.token) as stream:
            events = await stream.until_end()

    assert FAILURE in answers_of(events)[-1]
    answer = await stored_answer(tenant)
    assert answer.status == MessageStatus.FAILED
    with tenant_scope(tenant.id):
        question = await Message.get(role=MessageRole.USER)
        dialog = await Dialog.get()
    assert question.content == "Hello?"
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert str(tenant.id) in warnings[0].getMessage()
    assert str(dialog.id) in warnings[0].getMessage()
    assert f"status {status}" in warnings[0].getMessage()
    assert warnings[0].exc_info is None


async def test_broken_stream_keeps_the_partial_answer_as_failed(
    client: Client, tenant_a: tuple[Tenant, User], fake_llm: FakeLLM
) -> None:
    tenant = await english_tenant(tenant_a)
    fake_llm.break_after("Our prices ", "start at")
    sent = await send(client, "alpha", "Prices?")
    async with open_stream(client, "alpha", sent.answer_id, sent.token) as stream:
        events = await stream.until_end()

    assert "Our prices start at" in answers_of(events)[-1]
    assert FAILURE in answers_of(events)[-1]
    answer = await stored_answer(tenant)
    assert answer.status == MessageStatus.FAILED
    assert answer.content == "Our prices start at"


async def test_model_that_never_answers_times_out_and_the_dialog_goes_on(
    client: Client, tenant_a: tuple[Tenant, User], fake_llm: FakeLLM
) -> None:
    tenant = await english_tenant(tenant_a)
    fake_llm.hang()
    sent = await send(client, "alpha", "Anyone there?")
    async with open_stream(client, "alpha", sent.answer_id, sent.token) as stream:
        events = await stream.until_end(timeout=15)
    assert FAILURE in answers_of(events)[-1]
    assert (await stored_answer(tenant)).status == MessageStatus.FAILED

    fake_llm.answer("Yes, ", "I am here.")
    again = await send(client, "alpha", "Hello again", sent.token)
    assert again.status == 200
    async with open_stream(client, "alpha", again.answer_id, sent.token) as stream:
        events = await stream.until_end()
    assert answers_of(events)[-1] == "<p>Yes, I am here.</p>"
    history = fake_llm.requests[-1]["messages"]
    # The failed answer is not shown to the model as if it had been given.
    assert [m["role"] for m in history] == ["system", "user", "user"]


async def test_visitor_who_leaves_mid_stream_gets_the_answer_stored_cut_short(
    client: Client, tenant_a: tuple[Tenant, User], fake_llm: FakeLLM
) -> None:
    tenant = await english_tenant(tenant_a)
    fake_llm.answer(*[f"word{i} " for i in range(30)], delay=0.1)
    sent = await send(client, "alpha", "Tell me a long story")
    async with open_stream(client, "alpha", sent.answer_id, sent.token) as stream:
        first = await stream.next_event()
        assert first.name == "answer"
    # The generator saves what it has when it is cancelled; give it a moment.
    for _attempt in range(50):
        answer = await stored_answer(tenant)
        if answer.status != MessageStatus.STREAMING:
            break
        await asyncio.sleep(0.05)

    assert answer.status == MessageStatus.CUT_SHORT
    assert answer.content.startswith("word0 ")
    assert "word29" not in answer.content
    await asyncio.sleep(0.3)
    assert fake_llm.aborted == 1, "the request to the model should be closed too"


async def test_stop_control_ends_the_answer_and_keeps_it_cut_short(
    client: Client, tenant_a: tuple[Tenant, User], fake_llm: FakeLLM
) -> None:
    tenant = await english_tenant(tenant_a)
    fake_llm.answer(*[f"word{i} " for i in range(40)], delay=0.1)
    sent = await send(client, "alpha", "Tell me everything")
    async with open_stream(client, "alpha", sent.answer_id, sent.token) as stream:
        await stream.next_event()
        stopped = await client.http.post(
            f"/alpha/chat/answers/{sent.answer_id}/stop",
            headers={"HX-Request": "true", "X-Visitor-Token": sent.token},
        )
        assert stopped.status_code == 204
        events = await stream.until_end()

    assert "The answer was stopped." in answers_of(events)[-1]
    answer = await stored_answer(tenant)
    assert answer.status == MessageStatus.CUT_SHORT
    assert answer.content.startswith("word0 ")
    assert "word39" not in answer.content


async def test_reconnecting_stream_never_calls_the_model_twice(
    client: Client, tenant_a: tuple[Tenant, User], fake_llm: FakeLLM
) -> None:
    await english_tenant(tenant_a)
    fake_llm.answer(*TOKENS, delay=0.1)
    sent = await send(client, "alpha", "When do you open?")
    async with open_stream(client, "alpha", sent.answer_id, sent.token) as first:
        await first.next_event()
        # A second EventSource while the first is still writing follows it.
        async with open_stream(client, "alpha", sent.answer_id, sent.token) as other:
            followed = await other.until_end()
        written = await first.until_end()
    async with open_stream(client, "alpha", sent.answer_id, sent.token) as late:
        replayed = await late.until_end()

    final = "<p>The shop opens at <strong>nine</strong>.</p>"
    assert answers_of(written)[-1] == final
    assert answers_of(followed)[-1] == final
    assert answers_of(replayed) == [final]
    assert len(fake_llm.requests) == 1


async def test_registered_prompt_contribution_reaches_the_model(
    client: Client, tenant_a: tuple[Tenant, User], fake_llm: FakeLLM
) -> None:
    async def spring_sale(tenant: Tenant, question: str) -> str:
        return f"Mention the spring sale to {tenant.slug}; asked: {question}"

    prompt_contribution(spring_sale)
    try:
        sent = await send(client, "alpha", "Any discounts?")
        async with open_stream(client, "alpha", sent.answer_id, sent.token) as stream:
            await stream.until_end()
    finally:
        remove_contribution(spring_sale)

    [prompt] = fake_llm.system_prompts()
    assert "Mention the spring sale to alpha; asked: Any discounts?" in prompt


async def test_prompt_holds_own_chunks_in_order_and_never_another_tenants(
    client: Client,
    tenant_a: tuple[Tenant, User],
    tenant_b: tuple[Tenant, User],
    fake_llm: FakeLLM,
) -> None:
    with tenant_scope(tenant_a[0].id):
        await PromptChunk.create(text="Alpha sells bicycles.", position=2)
        await PromptChunk.create(text="You are Alpha's helper.", position=1)
    with tenant_scope(tenant_b[0].id):
        await PromptChunk.create(
            text="Bravo's secret discount code is B-42.", position=1
        )

    sent = await send(client, "alpha", "What do you sell?")
    async with open_stream(client, "alpha", sent.answer_id, sent.token) as stream:
        await stream.until_end()

    [prompt] = fake_llm.system_prompts()
    assert prompt.startswith("You are Alpha's helper.\n\nAlpha sells bicycles.")
    assert "B-42" not in prompt
    assert "Bravo" not in str(fake_llm.requests)


async def test_long_history_is_trimmed_to_the_budget(
    client: Client, tenant_a: tuple[Tenant, User], fake_llm: FakeLLM
) -> None:
    long_text = "x" * 1900
    token = ""
    for _turn in range(8):
        fake_llm.answer("y" * 1000)
        sent = await send(client, "alpha", long_text, token)
        token = sent.token
        async with open_stream(client, "alpha", sent.answer_id, token) as stream:
            await stream.until_end()

    last = fake_llm.requests[-1]["messages"]
    sent_chars = sum(len(m["content"]) for m in last[1:])
    assert sent_chars <= 12_000
    assert last[-1] == {"role": "user", "content": long_text}
    assert len(last) < 1 + 15
