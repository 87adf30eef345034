"""The ASGI entry point for Hypercorn workers: `hypercorn saasaisite.asgi:app`.

Each worker imports this module once: it sets up logging and builds the app
from the environment. Migrations are never run here (see the Procfile).
"""

from __future__ import annotations

import logging

from saasaisite.app import create_app
from saasaisite.config import load_settings
from saasaisite.errors import ConfigError

logging.basicConfig(
    level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
)
try:
    settings = load_settings()
except ConfigError as error:
    raise SystemExit(f"saasaisite: configuration error: {error}") from None
app = create_app(settings)
