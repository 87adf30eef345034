"""Settings from the environment and .env, the CLI, and mail with no server."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from email import message_from_bytes
from pathlib import Path

import pytest
from quart import Quart

from saasaisite.app import create_app
from saasaisite.config import Settings, development_secret, load_settings
from saasaisite.errors import ConfigError
from saasaisite.models import Tenant
from tests.conftest import PASSWORD, TEST_SECRET, Client

SETTING_NAMES = (
    "DATABASE_URL",
    "SECRET_KEY",
    "BASE_URL",
    "PORT",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_USER",
    "SMTP_PASSWORD",
    "SMTP_STARTTLS",
    "MAIL_FROM",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_MODEL",
    "SESSION_DAYS",
)
CLI = Path(sys.executable).with_name("saasaisite")


def settings_from(environ: dict[str, str], var_dir: Path) -> Settings:
    return load_settings(environ, env_file=None, var_dir=var_dir)


def test_an_empty_environment_gives_working_defaults(tmp_path: Path) -> None:
    settings = settings_from({}, tmp_path / "var")

    assert settings.database_url == f"sqlite://{tmp_path / 'var' / 'saasaisite.db'}"
    assert settings.base_url == "http://127.0.0.1:5000"
    assert settings.port == 5000
    assert settings.development
    assert not settings.secure_cookies
    assert settings.smtp_host == ""
    assert settings.outbox_dir == tmp_path / "var" / "outbox"
    assert settings.session_days == 14
    assert len(settings.secret_key) >= 32


def test_the_development_secret_is_made_once_under_var_and_reused(
    tmp_path: Path,
) -> None:
    first = settings_from({}, tmp_path / "var")
    second = settings_from({}, tmp_path / "var")

    stored = (tmp_path / "var" / "secret_key").read_text().strip()
    assert first.secret_key == second.secret_key == stored
    assert settings_from({}, tmp_path / "other").secret_key != stored


def test_the_development_secret_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    development_secret(tmp_path)
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_processes_starting_at_once_agree_on_one_development_secret(
    tmp_path: Path,
) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(development_secret, [tmp_path] * 32))

    assert len(keys) == 1
    assert len(keys.pop()) >= 32
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_every_setting_is_read_from_the_environment(tmp_path: Path) -> None:
    settings = settings_from(
        {
            "DATABASE_URL": "postgresql://app@db.internal:5432/bots",
            "SECRET_KEY": TEST_SECRET,
            "BASE_URL": "https://bots.example.com/",
            "PORT": "8080",
            "SMTP_HOST": "mail.example.com",
            "SMTP_PORT": "587",
            "SMTP_USER": "bot",
            "SMTP_PASSWORD": " spaced secret ",
            "SMTP_STARTTLS": "yes",
            "MAIL_FROM": "Bots <bots@example.com>",
            "OPENAI_API_KEY": "sk-test",
            "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1",
            "OPENAI_MODEL": "llama3",
            "SESSION_DAYS": "30",
        },
        tmp_path,
    )

    assert settings.database_url == "postgres://app@db.internal:5432/bots"
    assert settings.secret_key == TEST_SECRET
    assert settings.base_url == "https://bots.example.com"
    assert not settings.development
    assert settings.secure_cookies
    assert settings.port == 8080
    assert (settings.smtp_host, settings.smtp_port) == ("mail.example.com", 587)
    assert (settings.smtp_user, settings.smtp_password) == ("bot", " spaced secret ")
    assert settings.smtp_starttls
    assert settings.mail_from == "Bots <bots@example.com>"
    assert settings.openai_api_key == "sk-test"
    assert settings.openai_base_url == "http://127.0.0.1:11434/v1"
    assert settings.openai_model == "llama3"
    assert settings.session_days == 30
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "abc"),
        ("PORT", "70000"),
        ("SMTP_PORT", "0"),
        ("SMTP_STARTTLS", "maybe"),
        ("DATABASE_URL", "mysql://root@localhost/bots"),
        ("DATABASE_URL", "just-a-path.db"),
        ("SESSION_DAYS", "0"),
        ("SESSION_DAYS", "two"),
        ("BASE_URL", "ftp://x"),
        ("BASE_URL", "bots.example.com"),
        ("SECRET_KEY", "too short"),
        ("OPENAI_BASE_URL", "localhost:11434"),
    ],
)
def test_a_wrong_value_stops_with_an_error_naming_the_variable(
    tmp_path: Path, name: str, value: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from({name: value}, tmp_path)

    assert caught.value.variable == name
    assert str(caught.value).startswith(name)


def test_a_public_https_address_needs_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from({"BASE_URL": "https://bots.example.com"}, tmp_path)

    assert caught.value.variable == "SECRET_KEY"
    assert not (tmp_path / "secret_key").exists()


def test_values_in_a_dotenv_file_are_read_and_the_environment_wins(
    tmp_path: Path,
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# local settings\n"
        "SMTP_HOST=mail.from-file.test\n"
        "SESSION_DAYS=7\n"
        'MAIL_FROM="Shop <shop@from-file.test>"\n'
    )
    settings = load_settings(
        {"SESSION_DAYS": "3"}, env_file=env_file, var_dir=tmp_path / "var"
    )

    assert settings.smtp_host == "mail.from-file.test"
    assert settings.mail_from == "Shop <shop@from-file.test>"
    assert settings.session_days == 3


def test_a_wrong_value_in_the_dotenv_file_is_named_too(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SMTP_PORT=smtp\n")
    with pytest.raises(ConfigError) as caught:
        load_settings({}, env_file=env_file, var_dir=tmp_path)
    assert caught.value.variable == "SMTP_PORT"


def cli_environment(**values: str) -> dict[str, str]:
    """This process's environment without any setting, plus `values`."""
    env = {k: v for k, v in os.environ.items() if k not in SETTING_NAMES}
    env.update(values)
    return env


def run_cli(*args: str, **values: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), *args],
        env=cli_environment(**values),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [("PORT", "abc"), ("SMTP_STARTTLS", "maybe"), ("DATABASE_URL", "mysql://x/y")],
)
def test_the_cli_prints_a_wrong_setting_and_exits_2(
    tmp_path: Path, name: str, value: str
) -> None:
    values = {"SECRET_KEY": TEST_SECRET, "DATABASE_URL": f"sqlite://{tmp_path}/cli.db"}
    values[name] = value
    result = run_cli("migrate", **values)

    assert result.returncode == 2
    assert name in result.stderr
    assert "configuration error" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cli.db").exists()


def test_the_cli_explains_itself(tmp_path: Path) -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("migrate", "serve", "dev"):
        assert command in result.stdout
    assert ".env" in result.stdout


def test_the_cli_migrates_a_fresh_database_and_again_does_nothing(
    tmp_path: Path,
) -> None:
    database = tmp_path / "fresh.db"
    settings = {"SECRET_KEY": TEST_SECRET, "DATABASE_URL": f"sqlite://{database}"}

    first = run_cli("migrate", **settings)
    assert first.returncode == 0, first.stderr
    assert database.is_file()
    again = run_cli("migrate", **settings)
    assert again.returncode == 0, again.stderr


@pytest.fixture
def outbox_app(app: Quart, settings: Settings) -> Quart:
    """A second app on the same database, with no mail server set."""
    return create_app(replace(settings, smtp_host=""))


async def test_without_a_mail_server_mail_goes_to_the_outbox_and_the_log(
    outbox_app: Quart, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    client = Client(outbox_app)
    response = await client.post(
        "/acme/register",
        {
            "company": "Acme",
            "name": "Ann",
            "email": "ann@acme.test",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 303
    assert await Tenant.exists(slug="acme")

    [path] = list(settings.outbox_dir.glob("*.eml"))
    message = message_from_bytes(path.read_bytes())
    assert message["To"] == "ann@acme.test"
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    link = next(
        word for word in body.decode().split() if word.startswith(settings.base_url)
    )
    assert "/acme/confirm/" in link
    assert link in caplog.text

    confirmed = await client.get(link.removeprefix(settings.base_url))
    assert confirmed.status_code == 200
