"""A fake OpenAI-compatible server on a real socket, scripted by each test.

An in-process transport would buffer the stream, so this one listens on a
port like a real model server: it streams chunks with delays, answers with
an error status, breaks off in the middle, or never answers; and it keeps
every request it got, so a test can read the prompt that was sent.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Script:
    """What the server does with the next requests."""

    tokens: list[str] = field(default_factory=lambda: ["Hello", "!"])
    delay: float = 0.0
    status: int = 200
    # Close the connection after the tokens, without ending the stream.
    broken: bool = False
    # Accept the request and never send a byte back.
    hang: bool = False


class FakeLLM:
    """The server, its script, and the JSON bodies of the requests it got."""

    def __init__(self) -> None:
        self.port = 0
        self.script = Script()
        self.requests: list[dict[str, Any]] = []
        self.aborted = 0
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reset(self) -> None:
        self.script = Script()
        self.requests.clear()
        self.aborted = 0

    def answer(self, *tokens: str, delay: float = 0.0) -> None:
        self.script = Script(tokens=list(tokens), delay=delay)

    def fail(self, status: int) -> None:
        self.script = Script(status=status)

    def break_after(self, *tokens: str) -> None:
        self.script = Script(tokens=list(tokens), broken=True)

    def hang(self) -> None:
        self.script = Script(hang=True)

    def system_prompts(self) -> list[str]:
        """The system message of every request, in order."""
        return [
            str(message["content"])
            for body in self.requests
            for message in body["messages"]
            if message["role"] == "system"
        ]

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _accept(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            self.aborted += 1
        finally:
            self._handlers.discard(task)
            writer.close()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        body = json.loads(await reader.readexactly(length)) if length else {}
        self.requests.append(body)
        script = self.script

        if script.hang:
            await asyncio.sleep(3600)
        if script.status != 200:
            error = json.dumps({"error": {"message": "scripted failure"}}).encode()
            writer.write(
                f"HTTP/1.1 {script.status} Scripted\r\n"
                "Content-Type: application/json\r\n"
                f"Content-Length: {len(error)}\r\nConnection: close\r\n\r\n".encode()
                + error
            )
            await writer.drain()
            return

        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        for token in script.tokens:
            await _send_chunk(writer, _event({"content": token}, None))
            if script.delay:
                await asyncio.sleep(script.delay)
        if script.broken:
            return
        await _send_chunk(writer, _event({}, "stop"))
        await _send_chunk(writer, b"data: [DONE]\n\n")
        writer.write(b"0\r\n\r\n")
        await writer.drain()


def _event(delta: dict[str, str], finish_reason: str | None) -> bytes:
    chunk = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "model": "fake",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
    return f"data: {json.dumps(chunk)}\n\n".encode()


async def _send_chunk(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    await writer.drain()
