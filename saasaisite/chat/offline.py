"""The answer given when no language model is configured.

It picks the tenant's prompt chunk that shares the most words with the
question and streams it in small pieces, so a fresh install shows a chat
that works end to end and says plainly why it sounds so simple.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Sequence

from saasaisite.i18n import gettext as _

WORD = re.compile(r"\w+")
PIECE = re.compile(r"\S+\s*|\s+")
PIECE_DELAY = 0.02
WORDS_PER_PIECE = 3


def words(text: str) -> set[str]:
    """The words of a text worth comparing: lowercase, three letters or more."""
    return {word for word in WORD.findall(text.lower()) if len(word) >= 3}


def best_chunk(chunks: Sequence[str], question: str) -> str | None:
    """The chunk sharing the most words with the question; None if none does."""
    asked = words(question)
    best, best_score = None, 0
    for chunk in chunks:
        score = len(asked & words(chunk))
        if score > best_score:
            best, best_score = chunk, score
    return best


def offline_answer(chunks: Sequence[str], question: str) -> str:
    """The whole offline answer, in the language of the request."""
    notice = _("No language model is connected to this chat yet.")
    chunk = best_chunk(chunks, question)
    if chunk is None:
        return "\n\n".join(
            [
                notice,
                _("None of the site's notes matches your question."),
                _("Leave an e-mail or a phone number, and a person will answer."),
            ]
        )
    intro = _("This is the note of the site that best matches your question:")
    return f"{notice} {intro}\n\n{chunk.strip()}"


async def stream_text(text: str) -> AsyncIterator[str]:
    """Stream a ready text a few words at a time, like a model would."""
    pieces = PIECE.findall(text)
    for start in range(0, len(pieces), WORDS_PER_PIECE):
        await asyncio.sleep(PIECE_DELAY)
        yield "".join(pieces[start : start + WORDS_PER_PIECE])
