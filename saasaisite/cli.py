"""The `saasaisite` command: migrations and a server for development."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from saasaisite import db
from saasaisite.config import load_settings
from saasaisite.errors import ConfigError

DESCRIPTION = """\
saasaisite: a self-hostable, multi-tenant AI chat bot for your website.
Settings come from the environment and from a .env file in the project's
folder; see .env.example. With no settings at all it uses an SQLite file
under var/ and writes mail to var/outbox/."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="saasaisite",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "migrate", help="apply the migrations in migrations/ to DATABASE_URL"
    )
    commands.add_parser(
        "makemigrations",
        help="write a migration for model changes (developers; prints nothing to do "
        "when the models and migrations agree)",
    )
    for name, text in (
        ("serve", "serve the app with Hypercorn on 127.0.0.1:PORT (no migrations)"),
        ("dev", "apply the migrations, then serve on 127.0.0.1:PORT"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument(
            "--host", default="127.0.0.1", help="address to listen on (127.0.0.1)"
        )
        command.add_argument(
            "--port", type=int, default=None, help="port to listen on (PORT, 5000)"
        )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; a wrong setting ends with its message, not a traceback."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"saasaisite: configuration error: {error}", file=sys.stderr)
        return 2

    if settings.database_url.startswith("sqlite://"):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    if args.command in ("migrate", "dev"):
        asyncio.run(db.migrate(settings.database_url))
    if args.command == "makemigrations":
        paths = asyncio.run(db.make_migrations(settings.database_url))
        print("\n".join(paths) if paths else "No changes: models and migrations agree.")
    if args.command in ("serve", "dev"):
        _serve(args.host, args.port or settings.port)
    return 0


def _serve(host: str, port: int) -> None:
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    from saasaisite.app import create_app

    config = Config()
    config.bind = [f"{host}:{port}"]
    # Hypercorn's own loggers, so its lines share the root handler's format.
    config.accesslog = logging.getLogger("hypercorn.access")
    config.errorlog = logging.getLogger("hypercorn.error")
    logging.getLogger(__name__).info("serving on http://%s:%s", host, port)
    asyncio.run(serve(create_app(), config))


if __name__ == "__main__":
    raise SystemExit(main())
