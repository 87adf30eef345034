"""Fixtures: a migrated database, a mail server, the app and its clients.

The database is SQLite in a temporary folder unless `TEST_DATABASE_URL`
names a PostgreSQL server (`postgres://user@host:port/db`): then a fresh
database is created there for the run and dropped after it.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiosmtpd.controller import Controller
from quart import Quart
from quart.typing import TestClientProtocol
from tortoise import Tortoise

from saasaisite import db
from saasaisite.app import CSRF_COOKIE, create_app
from saasaisite.config import Settings
from saasaisite.models import Role, Tenant, User
from saasaisite.security import hash_password
from saasaisite.tenancy import tenant_scope
from tests.fake_llm import FakeLLM

TEST_SECRET = "test-secret-" + "x" * 40
PASSWORD = "correct horse battery"
TABLES = (
    "saved_item",
    "lead",
    "message",
    "dialog",
    "prompt_chunk",
    "invitation",
    "app_user",
    "tenant",
    "login_attempt",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class Mailbox:
    """Messages received by the test's SMTP server."""

    messages: list[Message] = field(default_factory=list)

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def last_link(self, address: str) -> str:
        """The last link mailed to `address`."""
        message = self.to(address)[-1]
        body = message.get_payload(decode=True)
        assert isinstance(body, bytes)
        links = re.findall(r"https?://\S+", body.decode())
        assert links, "the mail carries no link"
        return str(links[-1])


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mailbox.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Controller, Mailbox]]:
    mailbox = Mailbox()
    controller = Controller(_Handler(mailbox), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: tuple[Controller, Mailbox]) -> Mailbox:
    _controller, box = smtp_server
    box.messages.clear()
    return box


@pytest.fixture(scope="session")
async def fake_server() -> AsyncIterator[FakeLLM]:
    """The fake OpenAI-compatible model, on a real socket, for the whole run."""
    server = FakeLLM()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def fake_llm(fake_server: FakeLLM) -> FakeLLM:
    """The fake model with no script and no requests from earlier tests."""
    fake_server.reset()
    return fake_server


def with_model(settings: Settings, model: FakeLLM, timeout: float) -> Settings:
    """Test settings whose chat talks to the fake model."""
    return replace(
        settings,
        openai_api_key="test-key",
        openai_base_url=model.base_url,
        openai_model="fake-model",
        openai_timeout=timeout,
    )


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A database with every migration applied, for the whole run."""
    server_url = os.environ.get("TEST_DATABASE_URL", "")
    if not server_url:
        path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite://{path}"
        await db.migrate(url)
        yield url
        return

    name = f"saasaisite_test_{uuid.uuid4().hex[:12]}"
    admin_dsn = server_url.replace("postgres://", "postgresql://", 1)
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = server_url.rsplit("/", 1)[0] + "/" + name
    try:
        await db.migrate(url)
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
def settings(
    database_url: str, smtp_server: tuple[Controller, Mailbox], tmp_path: Path
) -> Settings:
    controller, _box = smtp_server
    return Settings(
        database_url=database_url,
        secret_key=TEST_SECRET,
        base_url="http://127.0.0.1:5000",
        smtp_host="127.0.0.1",
        smtp_port=int(controller.port),
        mail_from="saasaisite <bot@example.test>",
        var_dir=tmp_path / "var",
    )


async def _empty_tables() -> None:
    connection = Tortoise.get_connection("default")
    for table in TABLES:
        await connection.execute_script(f'DELETE FROM "{table}"')


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Quart]:
    """The app, serving, on a database emptied before each test."""
    application = create_app(settings)
    async with application.test_app():
        await _empty_tables()
        yield application


class Client:
    """A browser-like client: keeps cookies and sends the CSRF token."""

    def __init__(self, app: Quart) -> None:
        self.app = app
        self.http: TestClientProtocol = app.test_client()

    def cookie(self, name: str) -> str | None:
        for cookie in self.http.cookie_jar or []:
            if cookie.name == name:
                return cookie.value
        return None

    async def csrf_token(self) -> str:
        token = self.cookie(CSRF_COOKIE)
        if token is None:
            await self.http.get("/health")
            token = self.cookie(CSRF_COOKIE)
        assert token is not None
        return token

    async def settled(self) -> None:
        """Wait for the work requests left behind, such as mail to send."""
        while self.app.background_tasks:
            await asyncio.gather(*self.app.background_tasks)

    async def get(self, path: str, **kwargs: Any) -> Any:
        response = await self.http.get(path, **kwargs)
        await self.settled()
        return response

    async def post(
        self,
        path: str,
        data: dict[str, str] | None = None,
        *,
        htmx: bool = False,
        **kwargs: Any,
    ) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        form = dict(data or {})
        token = await self.csrf_token()
        if htmx:
            headers.update({"HX-Request": "true", "X-CSRF-Token": token})
        else:
            form.setdefault("csrf_token", token)
        response = await self.http.post(path, form=form, headers=headers, **kwargs)
        await self.settled()
        return response

    async def login(self, slug: str, email: str, password: str = PASSWORD) -> Any:
        response = await self.post(
            f"/{slug}/login", {"email": email, "password": password}
        )
        assert response.status_code == 303, await response.get_data(as_text=True)
        return response


@pytest.fixture
def client(app: Quart) -> Client:
    return Client(app)


@pytest.fixture
def make_client(app: Quart) -> Any:
    """Another browser, with cookies of its own."""
    return lambda: Client(app)


async def make_tenant(
    slug: str, *, owner_email: str | None = None, confirmed: bool = True
) -> tuple[Tenant, User]:
    """A tenant with a confirmed owner whose password is PASSWORD."""
    from datetime import UTC, datetime

    tenant = await Tenant.create(slug=slug, name=f"{slug.title()} Ltd")
    with tenant_scope(tenant.id):
        owner = await User.create(
            email=owner_email or f"owner@{slug}.test",
            name=f"Owner of {slug}",
            password_hash=await hash_password(PASSWORD),
            role=Role.OWNER,
            confirmed_at=datetime.now(UTC) if confirmed else None,
        )
    return tenant, owner


@pytest.fixture
async def tenant_a(app: Quart) -> tuple[Tenant, User]:
    return await make_tenant("alpha")


@pytest.fixture
async def tenant_b(app: Quart) -> tuple[Tenant, User]:
    return await make_tenant("bravo")


@pytest.fixture
async def owner_client(client: Client, tenant_a: tuple[Tenant, User]) -> Client:
    """A client logged in as the owner of tenant `alpha`."""
    tenant, owner = tenant_a
    await client.login(tenant.slug, owner.email)
    return client
