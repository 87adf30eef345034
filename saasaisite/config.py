"""Settings read from the environment (and a `.env` file when present)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from saasaisite.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to know about where it runs."""

    database_url: str
    secret_key: str
    base_url: str = "http://127.0.0.1:5000"
    port: int = 5000
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "saasaisite <noreply@localhost>"
    openai_api_key: str = ""
    openai_base_url: str = ""
    openai_model: str = "gpt-4o-mini"
    # Seconds the model may stay silent (before its first token or between
    # two) before the answer counts as failed; connecting has its own 5 s.
    openai_timeout: float = 120.0
    session_days: int = 14
    # How many proxies in front of the app to trust for X-Forwarded-For/-Proto.
    trusted_proxies: int = 0
    var_dir: Path = field(default=PROJECT_ROOT / "var")

    @property
    def development(self) -> bool:
        """True when the app is served on this machine only."""
        return urlsplit(self.base_url).hostname in LOCAL_HOSTS

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    env_file: Path | None = PROJECT_ROOT / ".env",
    var_dir: Path = PROJECT_ROOT / "var",
) -> Settings:
    """Build the settings; a wrong value raises ConfigError naming the variable."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v})
    values.update(os.environ if environ is None else environ)

    def text(name: str, default: str = "") -> str:
        return values.get(name, "").strip() or default

    base_url = text("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("BASE_URL", "must be an http:// or https:// address")

    database_url = text("DATABASE_URL", f"sqlite://{var_dir / 'saasaisite.db'}")
    scheme = database_url.split("://", 1)[0]
    if scheme not in ("sqlite", "postgres", "postgresql") or "://" not in database_url:
        raise ConfigError(
            "DATABASE_URL", "must start with sqlite:// or postgres:// (PostgreSQL)"
        )
    if scheme == "postgresql":
        database_url = "postgres://" + database_url.split("://", 1)[1]

    settings = Settings(
        database_url=database_url,
        secret_key=text("SECRET_KEY"),
        base_url=base_url,
        port=_integer(values, "PORT", 5000, 1, 65535),
        smtp_host=text("SMTP_HOST"),
        smtp_port=_integer(values, "SMTP_PORT", 25, 1, 65535),
        smtp_user=text("SMTP_USER"),
        smtp_password=values.get("SMTP_PASSWORD", ""),
        smtp_starttls=_boolean(values, "SMTP_STARTTLS"),
        mail_from=text("MAIL_FROM", "saasaisite <noreply@localhost>"),
        openai_api_key=text("OPENAI_API_KEY"),
        openai_base_url=text("OPENAI_BASE_URL"),
        openai_model=text("OPENAI_MODEL", "gpt-4o-mini"),
        openai_timeout=float(_integer(values, "OPENAI_TIMEOUT", 120, 1, 3600)),
        session_days=_integer(values, "SESSION_DAYS", 14, 1, 365),
        trusted_proxies=_integer(values, "TRUSTED_PROXIES", 0, 0, 10),
        var_dir=var_dir,
    )
    if settings.openai_base_url and not settings.openai_base_url.startswith(
        ("http://", "https://")
    ):
        raise ConfigError("OPENAI_BASE_URL", "must be an http:// or https:// address")
    if not settings.secret_key:
        if not settings.development:
            raise ConfigError(
                "SECRET_KEY", "is required when BASE_URL is not a local address"
            )
        settings = replace(settings, secret_key=development_secret(var_dir))
    elif len(settings.secret_key) < 32:
        raise ConfigError("SECRET_KEY", "must be at least 32 characters long")

    return settings


def development_secret(var_dir: Path) -> str:
    """Read the development secret kept under var/, creating it on first use."""
    path = var_dir / "secret_key"
    var_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written whole under another name, readable by its owner only, then
        # linked into place: processes starting at once agree on one key and
        # none reads a half-written file.
        draft = var_dir / f"secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()

    return path.read_text(encoding="utf-8").strip()


def _integer(
    values: Mapping[str, str], name: str, default: int, low: int, high: int
) -> int:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    try:
        number = int(raw)
    except ValueError:
        raise ConfigError(name, f"must be a whole number, got {raw!r}") from None
    if not low <= number <= high:
        raise ConfigError(name, f"must be between {low} and {high}, got {number}")
    return number


def _boolean(values: Mapping[str, str], name: str) -> bool:
    raw = values.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(name, f"must be true or false, got {raw!r}")


def current_settings() -> Settings:
    """The settings of the app serving this request."""
    from quart import current_app

    settings: Settings = current_app.config["SETTINGS"]
    return settings
