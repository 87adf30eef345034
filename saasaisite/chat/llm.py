"""The language model: any OpenAI-compatible server, read as a raw stream.

The official client would build an object for every streamed chunk, which
DESIGN.md measured at about 80% of a relay's CPU. Reading its raw response
line by line and decoding the `data:` lines here does the same job for a
fraction of that.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx2
import openai
from openai.types.chat import ChatCompletionMessageParam

from saasaisite.config import Settings
from saasaisite.errors import SaasaisiteError

CONNECT_TIMEOUT = 5.0


class ModelError(SaasaisiteError):
    """The model failed: refused, timed out, or broke off its answer."""


class ModelClient:
    """One pooled client for the configured model, shared by all requests."""

    def __init__(self, settings: Settings) -> None:
        self.model = settings.openai_model
        self.openai = openai.AsyncOpenAI(
            api_key=settings.openai_api_key,
            base_url=settings.openai_base_url or None,
            timeout=httpx2.Timeout(settings.openai_timeout, connect=CONNECT_TIMEOUT),
            # A retried stream would bill and show the start of the answer twice.
            max_retries=0,
        )

    async def close(self) -> None:
        await self.openai.close()

    async def stream(
        self, messages: Sequence[ChatCompletionMessageParam]
    ) -> AsyncIterator[str]:
        """Yield the answer's text as it comes; raise ModelError on failure."""
        try:
            async with self.openai.chat.completions.with_streaming_response.create(
                model=self.model, messages=messages, stream=True
            ) as response:
                finished = False
                async for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        finished = True
                        break
                    text, finished = _read_chunk(data)
                    if text:
                        yield text
                # Without "[DONE]" or a finish reason the server hung up mid-answer.
                if not finished:
                    raise ModelError("the stream ended before the answer did")
        except openai.APIStatusError as error:
            raise ModelError(f"status {error.status_code}") from None
        except openai.APITimeoutError:
            raise ModelError("timed out") from None
        except openai.APIConnectionError as error:
            raise ModelError(f"connection failed: {error}") from None
        except httpx2.TimeoutException:
            raise ModelError("timed out while streaming") from None
        except httpx2.HTTPError as error:
            raise ModelError(f"stream broken: {type(error).__name__}") from None


def _read_chunk(data: str) -> tuple[str, bool]:
    """The text of one streamed chunk, and whether it ends the answer."""
    try:
        chunk: Any = json.loads(data)
    except ValueError:
        raise ModelError("the server sent a line that is not JSON") from None
    if not isinstance(chunk, dict):
        raise ModelError("the server sent an unexpected chunk")
    if "error" in chunk:
        raise ModelError(f"the server reported an error: {chunk['error']!r:.200}")

    pieces = []
    finished = False
    for choice in chunk.get("choices") or []:
        delta = choice.get("delta") or {}
        content = delta.get("content")
        if isinstance(content, str):
            pieces.append(content)
        finished = finished or bool(choice.get("finish_reason"))
    return "".join(pieces), finished
