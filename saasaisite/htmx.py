"""The small helpers for requests made by htmx."""

from __future__ import annotations

from typing import Any

from jinja2_fragments.quart import render_block
from quart import Response, render_template, request

HX_REQUEST = "HX-Request"
HX_REDIRECT = "HX-Redirect"
HX_BOOSTED = "HX-Boosted"
HX_RETARGET = "HX-Retarget"
HX_RESWAP = "HX-Reswap"


def is_htmx() -> bool:
    """True when htmx made this request and wants a fragment back."""
    return request.headers.get(HX_REQUEST) == "true" and not request.headers.get(
        HX_BOOSTED
    )


def redirect_to(location: str) -> Response:
    """Send the browser elsewhere: a 303 for a page, `HX-Redirect` for htmx."""
    if request.headers.get(HX_REQUEST) == "true":
        response = Response("", status=204)
        response.headers[HX_REDIRECT] = location
        return response
    return Response("", status=303, headers={"Location": location})


async def render(template: str, block: str | None = None, **context: Any) -> str:
    """The whole page, or only `block` of it when htmx asked for a fragment."""
    if block is not None and is_htmx():
        return await render_block(template, block, **context)
    return await render_template(template, **context)
