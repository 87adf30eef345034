"""How much CPU reading a streamed answer costs: our reader against the client's.

Run: `.venv/bin/python -m tests.benchmarks.bench_relay [TOKENS] [ROUNDS]`.
The fake model (tests/fake_llm.py) streams TOKENS tokens at full speed on a
real socket in this same process. The chat's `ModelClient.stream`, which
reads the raw response line by line, is timed against the official client's
own stream of chunk objects as the baseline, alternating in one run. CPU
time includes the fake server's share, the same for both. Not a test: it
prints figures.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable

import httpx2
import openai

from saasaisite.chat.llm import CONNECT_TIMEOUT, ModelClient
from saasaisite.config import Settings
from tests.fake_llm import FakeLLM

QUESTION: list[openai.types.chat.ChatCompletionMessageParam] = [
    {"role": "user", "content": "Tell me everything."}
]


async def ours(client: ModelClient) -> str:
    return "".join([piece async for piece in client.stream(QUESTION)])


async def baseline(client: openai.AsyncOpenAI) -> str:
    stream = await client.chat.completions.create(
        model="fake-model", messages=QUESTION, stream=True
    )
    pieces = []
    async with stream:
        async for chunk in stream:
            for choice in chunk.choices:
                if choice.delta.content:
                    pieces.append(choice.delta.content)
    return "".join(pieces)


async def cpu_seconds(run: Callable[[], Awaitable[str]], expected: str) -> float:
    started = time.process_time()
    text = await run()
    spent = time.process_time() - started
    assert text == expected, "the stream lost text"
    return spent


async def main(tokens: int, rounds: int) -> None:
    fake = FakeLLM()
    await fake.start()
    words = [f"word{number} " for number in range(tokens)]
    expected = "".join(words)
    settings = Settings(
        database_url="sqlite://:memory:",
        secret_key="x" * 32,
        openai_api_key="bench",
        openai_base_url=fake.base_url,
        openai_model="fake-model",
    )
    reader = ModelClient(settings)
    official = openai.AsyncOpenAI(
        api_key="bench",
        base_url=fake.base_url,
        timeout=httpx2.Timeout(60, connect=CONNECT_TIMEOUT),
        max_retries=0,
    )
    timings: dict[str, list[float]] = {"raw lines (ours)": [], "chunk objects": []}
    try:
        for _round in range(rounds):
            fake.reset()
            fake.answer(*words)
            timings["raw lines (ours)"].append(
                await cpu_seconds(lambda: ours(reader), expected)
            )
            fake.reset()
            fake.answer(*words)
            timings["chunk objects"].append(
                await cpu_seconds(lambda: baseline(official), expected)
            )
    finally:
        await reader.close()
        await official.close()
        await fake.stop()

    print(f"{tokens} tokens a stream, {rounds} rounds, median CPU time")
    base = statistics.median(timings["chunk objects"])
    for name, values in timings.items():
        median = statistics.median(values)
        print(
            f"  {name:<18} {median * 1000:8.1f} ms  "
            f"{tokens / median:10,.0f} tokens/CPU-s  {median / base:5.2f}x baseline"
        )


if __name__ == "__main__":
    arguments = [int(value) for value in sys.argv[1:3]]
    asyncio.run(main(*(arguments + [2000, 7][len(arguments) :])))
