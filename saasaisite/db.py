"""Database set-up: the Tortoise configuration, start, stop and migrations."""

from __future__ import annotations

import logging
from typing import Any

from tortoise import Tortoise
from tortoise.migrations.api import migrate as run_migrations
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.migrations.writer import MigrationWriter

log = logging.getLogger(__name__)

MODEL_MODULES = ["saasaisite.models"]


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise configuration for one database; one app, `models`."""
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def connect(database_url: str) -> None:
    """Open the connection pool for this process."""
    # The Quart integration of Tortoise 1.1.9 loses its context between
    # requests; a global fallback context is what works (see DESIGN.md).
    await Tortoise.init(
        config=tortoise_config(database_url), _enable_global_fallback=True
    )


async def disconnect() -> None:
    await Tortoise.close_connections()


async def migrate(database_url: str) -> None:
    """Apply every migration in `migrations/` that the database lacks."""
    log.info("applying migrations")
    try:
        await run_migrations(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()


async def pending_model_changes(database_url: str) -> list[MigrationWriter]:
    """The migrations that the models need and `migrations/` lacks."""
    config = tortoise_config(database_url)
    await Tortoise.init(config=config)
    try:
        detector = MigrationAutodetector(Tortoise.apps, config["apps"])
        return list(await detector.changes())
    finally:
        await Tortoise.close_connections()


async def make_migrations(database_url: str) -> list[str]:
    """Write the pending migrations into `migrations/`; return their paths."""
    return [str(writer.write()) for writer in await pending_model_changes(database_url)]
