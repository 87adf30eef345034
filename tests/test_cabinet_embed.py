"""The "embed on site" page, the floating button script, and navigation."""

from __future__ import annotations

import html
import re
from pathlib import Path

from saasaisite.models import Tenant, User
from tests.conftest import Client

EN = {"Accept-Language": "en"}
Pair = tuple[Tenant, User]
EMBED_SCRIPT = Path(__file__).resolve().parent.parent / "static" / "embed.js"


async def test_the_embed_page_gives_the_iframe_and_the_script(
    owner_client: Client, tenant_a: Pair
) -> None:
    response = await owner_client.get("/alpha/my/embed", headers=EN)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    codes = re.findall(r"<textarea[^>]*readonly>(.*?)</textarea>", page, re.S)
    iframe, script = (html.unescape(code) for code in codes)
    assert iframe.startswith('<iframe src="http://127.0.0.1:5000/alpha/chat/embed"')
    assert 'title="Chat with Alpha Ltd"' in iframe
    assert 'loading="lazy"' in iframe
    assert 'width="400" height="600"' in iframe
    assert script == (
        '<script src="http://127.0.0.1:5000/static/embed.js" data-slug="alpha" '
        'data-label="Chat with Alpha Ltd" data-color="#2563eb" async></script>'
    )
    assert (
        '<iframe class="embed-preview" src="http://127.0.0.1:5000/alpha/chat/embed"'
        in page
    )


async def test_the_code_escapes_the_bot_name(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    tenant.bot_name = 'Bob "the" <bot>'
    await tenant.save()
    page = await (await owner_client.get("/alpha/my/embed", headers=EN)).get_data(
        as_text=True
    )
    assert "<bot>" not in page
    iframe = html.unescape(re.findall(r"<textarea[^>]*>(.*?)</textarea>", page)[0])
    assert 'title="Chat with Bob &quot;the&quot; &lt;bot&gt;"' in iframe


async def test_the_floating_button_script_is_small_and_served(client: Client) -> None:
    assert EMBED_SCRIPT.stat().st_size <= 10 * 1024
    response = await client.get("/static/embed.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["Content-Type"]
    assert "/chat/embed" in await response.get_data(as_text=True)


async def test_another_tenants_session_is_sent_to_log_in(
    client: Client, tenant_a: Pair, tenant_b: Pair
) -> None:
    other, other_owner = tenant_b
    await client.login(other.slug, other_owner.email)
    response = await client.get("/alpha/my/embed")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/alpha/login")


async def test_navigation_links_every_cabinet_page(owner_client: Client) -> None:
    page = await (await owner_client.get("/alpha/my", headers=EN)).get_data(
        as_text=True
    )
    for path in ("dialogs", "prompt", "embed", "leads", "saved"):
        assert f'href="/alpha/my/{path}"' in page
        assert (await owner_client.get(f"/alpha/my/{path}")).status_code == 200
    assert (await owner_client.get("/alpha/my/nothing-here")).status_code == 404
