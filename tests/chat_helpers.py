"""Helpers for the chat tests: send a message, read an answer's SSE stream."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from quart.testing.connections import TestHTTPConnection

from tests.conftest import Client

ANSWER_ID = re.compile(r'id="answer-([0-9a-f-]{36})"')


@dataclass
class Sent:
    """What the chat answered to a message: status, token, answer, HTML."""

    status: int
    token: str
    html: str

    @property
    def answer_id(self) -> uuid.UUID:
        found = ANSWER_ID.search(self.html)
        assert found, f"no streaming answer in: {self.html}"
        return uuid.UUID(found.group(1))


async def send(client: Client, slug: str, text: str, token: str = "") -> Sent:
    """Post a message the way the widget does (htmx, no CSRF cookie needed)."""
    headers = {"HX-Request": "true"}
    if token:
        headers["X-Visitor-Token"] = token
    response = await client.http.post(
        f"/{slug}/chat/messages",
        form={"text": text, "started_on": "https://shop.example/page", "mode": "embed"},
        headers=headers,
    )
    return Sent(
        status=response.status_code,
        token=response.headers.get("X-Visitor-Token", ""),
        html=await response.get_data(as_text=True),
    )


@dataclass
class Event:
    name: str
    data: str


class AnswerStream:
    """An open SSE stream of one answer, read event by event."""

    def __init__(self, connection: TestHTTPConnection) -> None:
        self.connection = connection
        self.buffer = ""
        self.comments: list[str] = []

    @property
    def status(self) -> int | None:
        return self.connection.status_code

    @property
    def headers(self) -> Any:
        return self.connection.headers

    async def next_event(self, timeout: float = 10.0) -> Event:
        """The next event; comment lines (keep-alives) are kept aside."""
        while "\n\n" not in self.buffer:
            data = await asyncio.wait_for(self.connection.receive(), timeout)
            self.buffer += data.decode()
        block, self.buffer = self.buffer.split("\n\n", 1)
        name, lines = "message", []
        for line in block.split("\n"):
            if line.startswith(":"):
                self.comments.append(line)
            elif line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                lines.append(line[6:])
        if not lines and name == "message":
            return await self.next_event(timeout)
        return Event(name, "\n".join(lines))

    async def until_end(self, timeout: float = 10.0) -> list[Event]:
        """Every event up to and including "end"."""
        events: list[Event] = []
        while not events or events[-1].name != "end":
            events.append(await self.next_event(timeout))
        return events


@asynccontextmanager
async def open_stream(
    client: Client, slug: str, answer_id: uuid.UUID, token: str
) -> AsyncIterator[AnswerStream]:
    """Open an answer's stream as an EventSource would; disconnect at the end."""
    path = f"/{slug}/chat/answers/{answer_id}/stream"
    async with client.http.request(path, query_string={"token": token}) as connection:
        assert isinstance(connection, TestHTTPConnection)
        await connection.send_complete()
        try:
            yield AnswerStream(connection)
        finally:
            await connection.disconnect()


def answers_of(events: list[Event]) -> list[str]:
    return [event.data for event in events if event.name == "answer"]
