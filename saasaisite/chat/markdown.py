"""A small, safe Markdown for chat answers.

Everything is HTML-escaped first; only then are a few constructs turned into
tags: paragraphs, lists, fenced code, inline code, bold, italics and
http(s) links. No HTML a visitor or a model writes can survive as markup.
It also renders an answer cut in the middle (an open code fence, a half
list) sensibly, because the streamed answer is re-rendered as it grows.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

FENCE = re.compile(r"^\s*```")
BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
HEADING = re.compile(r"^\s*#{1,6}\s+(.*)$")
CODE_SPAN = re.compile(r"(`[^`\n]+`)")
# A Markdown link, or a bare address; applied to text already escaped, where
# a quote cannot appear, so the href attribute cannot be broken out of.
LINK = re.compile(
    r"\[(?P<label>[^\]\n]+)\]\((?P<href>https?://[^\s)]+)\)"
    r"|(?P<bare>https?://[^\s<]+[^\s<.,;:!?)\]])"
)
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")


def render_markdown(text: str) -> Markup:
    """Safe HTML for an answer written in (a subset of) Markdown."""
    html: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""
    code: list[str] | None = None

    def close_paragraph() -> None:
        if paragraph:
            html.append(f"<p>{'<br>'.join(inline(line) for line in paragraph)}</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if items:
            body = "".join(f"<li>{inline(item)}</li>" for item in items)
            html.append(f"<{list_tag}>{body}</{list_tag}>")
            items.clear()
        list_tag = ""

    for line in text.replace("\r\n", "\n").split("\n"):
        if code is not None:
            if FENCE.match(line):
                html.append(f"<pre><code>{escape(chr(10).join(code))}</code></pre>")
                code = None
            else:
                code.append(line)
            continue
        if FENCE.match(line):
            close_paragraph()
            close_list()
            code = []
            continue
        item = BULLET.match(line) or NUMBERED.match(line)
        if item:
            close_paragraph()
            tag = "ul" if BULLET.match(line) else "ol"
            if list_tag and tag != list_tag:
                close_list()
            list_tag = tag
            items.append(item.group(1))
            continue
        if not line.strip():
            close_paragraph()
            close_list()
            continue
        heading = HEADING.match(line)
        if heading:
            close_paragraph()
            close_list()
            html.append(f"<p><strong>{inline(heading.group(1))}</strong></p>")
            continue
        if items:
            close_list()
        paragraph.append(line.strip())

    if code is not None:
        html.append(f"<pre><code>{escape(chr(10).join(code))}</code></pre>")
    close_paragraph()
    close_list()
    return Markup("".join(html))


def inline(text: str) -> str:
    """Escape one line and mark up its code spans, links and emphasis."""
    parts = []
    for index, part in enumerate(CODE_SPAN.split(text)):
        if index % 2:
            parts.append(f"<code>{escape(part[1:-1])}</code>")
        else:
            marked = LINK.sub(_link, str(escape(part)))
            marked = BOLD.sub(r"<strong>\1</strong>", marked)
            parts.append(ITALIC.sub(r"<em>\1</em>", marked))
    return "".join(parts)


def _link(match: re.Match[str]) -> str:
    href = match.group("href") or match.group("bare")
    label = match.group("label") or href
    return f'<a href="{href}" target="_blank" rel="noopener">{label}</a>'
