"""How long the dialogs list takes with 10,000 dialogs, keyset against OFFSET.

Run: `.venv/bin/python -m tests.benchmarks.bench_dialogs` (SQLite in a
temporary folder), or with `BENCH_DATABASE_URL=postgres://user@host:port/db`
to measure on PostgreSQL (a fresh database is created there and dropped).
Not a test: it prints figures.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from tortoise import Tortoise

from saasaisite import db
from saasaisite.cabinet.dialogs import PAGE_SIZE, Cursor, dialog_page
from saasaisite.models import (
    Dialog,
    DialogKind,
    Message,
    MessageRole,
    MessageStatus,
    Tenant,
)
from saasaisite.tenancy import tenant_scope

DIALOGS = 10_000
OTHER_TENANT_DIALOGS = 5_000
RUNS = 20
WORDS = "bicycle price delivery warranty helmet size repair store open hours".split()


@asynccontextmanager
async def database() -> AsyncIterator[str]:
    """A migrated, empty database: SQLite, or PostgreSQL when asked."""
    server_url = os.environ.get("BENCH_DATABASE_URL", "")
    if not server_url:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite://{Path(folder) / 'bench.db'}"
            await db.migrate(url)
            yield url
        return

    name = f"saasaisite_bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url.replace("postgres://", "postgresql://", 1))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = server_url.rsplit("/", 1)[0] + "/" + name
    try:
        await db.migrate(url)
        yield url
    finally:
        await Tortoise.close_connections()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def seed(tenant: Tenant, count: int, rng: random.Random) -> None:
    """`count` visitor dialogs of two messages; one in ten has a lead."""
    start = datetime.now(UTC) - timedelta(days=90)
    dialogs = []
    messages = []
    for index in range(count):
        words = " ".join(rng.choice(WORDS) for _ in range(8))
        dialog = Dialog(
            id=uuid.uuid4(),
            tenant_id=tenant.id,
            kind=DialogKind.VISITOR,
            preview=words[:200],
            message_count=2,
            has_lead=index % 10 == 0,
            last_activity_at=start + timedelta(seconds=rng.randrange(90 * 86400)),
        )
        dialogs.append(dialog)
        # One dialog in a hundred mentions a rare word the search looks for.
        question = f"{words} zeppelin?" if index % 100 == 0 else f"{words}?"
        for role, text in (
            (MessageRole.USER, question),
            (MessageRole.ASSISTANT, words),
        ):
            messages.append(
                Message(
                    tenant_id=tenant.id,
                    dialog_id=dialog.id,
                    role=role,
                    content=text,
                    status=MessageStatus.DONE,
                )
            )
    with tenant_scope(tenant.id):
        await Dialog.bulk_create(dialogs, batch_size=1000)
        await Message.bulk_create(messages, batch_size=1000)


async def median_ms(action: Callable[[], Awaitable[Any]]) -> float:
    await action()  # warm the caches and the statement plans
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        await action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


async def offset_page(offset: int) -> list[Dialog]:
    """The baseline: the same page found by skipping rows."""
    query = Dialog.filter(kind=DialogKind.VISITOR).order_by("-last_activity_at", "-id")
    return await query.offset(offset).limit(PAGE_SIZE)


async def measure(url: str) -> None:
    await db.connect(url)
    try:
        rng = random.Random(7)
        tenant = await Tenant.create(slug="bench", name="Bench")
        other = await Tenant.create(slug="other", name="Other")
        began = time.perf_counter()
        await seed(tenant, DIALOGS, rng)
        await seed(other, OTHER_TENANT_DIALOGS, rng)
        seeded = time.perf_counter() - began
        # Fresh statistics, as autovacuum (PostgreSQL) would gather in time.
        await Tortoise.get_connection("default").execute_script("ANALYZE")

        with tenant_scope(tenant.id):
            deep = DIALOGS - 1000
            ordered = await offset_page(deep - 1)
            cursor = Cursor(ordered[0].last_activity_at, ordered[0].id)
            keyset_deep, _next = await dialog_page(after=cursor)
            assert [d.id for d in keyset_deep] == [
                d.id for d in await offset_page(deep)
            ]

            figures = [
                (
                    "first page",
                    await median_ms(dialog_page),
                    await median_ms(lambda: offset_page(0)),
                ),
                (
                    f"page at row {deep}",
                    await median_ms(lambda: dialog_page(after=cursor)),
                    await median_ms(lambda: offset_page(deep)),
                ),
                (
                    "search 'zeppelin'",
                    await median_ms(lambda: dialog_page(search="zeppelin")),
                    None,
                ),
                (
                    "with a lead",
                    await median_ms(lambda: dialog_page(with_lead=True)),
                    None,
                ),
            ]
    finally:
        await db.disconnect()

    engine = url.split("://", 1)[0]
    print(
        f"{engine}: {DIALOGS} dialogs (+{OTHER_TENANT_DIALOGS} of another tenant), "
        f"{2 * (DIALOGS + OTHER_TENANT_DIALOGS)} messages, seeded in {seeded:.1f} s"
    )
    print(f"median of {RUNS} runs, {PAGE_SIZE} rows a page")
    print(f"{'query':<22}{'keyset ms':>12}{'OFFSET ms':>12}")
    for label, keyset, offset in figures:
        baseline = f"{offset:12.2f}" if offset is not None else f"{'-':>12}"
        print(f"{label:<22}{keyset:12.2f}{baseline}")


async def main() -> None:
    async with database() as url:
        await measure(url)


if __name__ == "__main__":
    asyncio.run(main())
