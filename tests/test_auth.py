"""Accounts over HTTP: sign-up, mail confirmation, login, logout, reset, invites."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from quart import Quart

from saasaisite.app import create_app
from saasaisite.auth import service
from saasaisite.config import Settings
from saasaisite.models import Invitation, LoginAttempt, Role, Tenant, User
from saasaisite.tenancy import tenant_scope
from tests.conftest import PASSWORD, Client, Mailbox, make_tenant

EN = {"Accept-Language": "en"}
NEW_PASSWORD = "a brand new secret"


def path_of(link: str) -> str:
    """The path and query of an absolute link, for the test client."""
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def text(response: Any) -> str:
    body: str = await response.get_data(as_text=True)
    return body


def set_cookie(response: Any, name: str) -> SimpleCookie:
    """The Set-Cookie header of `name`, parsed."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            return cookie
    raise AssertionError(f"no Set-Cookie for {name}")


async def sign_up(
    client: Client, slug: str, email: str, company: str = "Acme Ltd"
) -> Any:
    """Register a new tenant with its owner, as the form does."""
    return await client.post(
        f"/{slug}/register",
        {
            "company": company,
            "name": "Ann Owner",
            "email": email,
            "password": PASSWORD,
            "password2": PASSWORD,
        },
        headers=EN,
    )


async def user_of(slug: str, email: str) -> User:
    tenant = await Tenant.get(slug=slug)
    with tenant_scope(tenant.id):
        return await User.get(email=email)


def old_token(secret: str, purpose: str, value: Any, age: timedelta) -> str:
    """A signed link token as it would have been made `age` ago."""

    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - age.total_seconds())

    serializer = URLSafeTimedSerializer(secret, salt=purpose, signer=PastSigner)
    return serializer.dumps(value)


# Registration of a new tenant and the confirmation mail


async def test_registering_a_free_slug_creates_the_tenant_and_its_owner(
    client: Client, mailbox: Mailbox
) -> None:
    response = await sign_up(client, "acme", "Ann@Acme.test")

    assert response.status_code == 303
    assert response.headers["Location"].startswith("/acme/check-mail")
    tenant = await Tenant.get(slug="acme")
    assert tenant.name == "Acme Ltd"
    owner = await user_of("acme", "ann@acme.test")
    assert owner.role == Role.OWNER
    assert owner.name == "Ann Owner"
    assert owner.confirmed_at is None
    assert owner.password_hash != PASSWORD

    page = await text(await client.get(response.headers["Location"], headers=EN))
    assert "Check your mail" in page
    assert "ann@acme.test" in page


async def test_the_confirmation_mail_carries_a_link_signed_for_the_user(
    client: Client, mailbox: Mailbox, settings: Settings
) -> None:
    await sign_up(client, "acme", "ann@acme.test")

    [mail] = mailbox.to("ann@acme.test")
    assert mail["From"] == settings.mail_from
    link = mailbox.last_link("ann@acme.test")
    assert link.startswith(f"{settings.base_url}/acme/confirm/")
    token = urlsplit(link).path.rsplit("/", 1)[1]
    owner = await user_of("acme", "ann@acme.test")
    signed = URLSafeTimedSerializer(settings.secret_key, salt="confirm").loads(token)
    assert signed == str(owner.id)


async def test_mailed_links_use_base_url_whatever_host_the_request_named(
    client: Client, mailbox: Mailbox, settings: Settings
) -> None:
    # A forged Host header must not send a reset token to someone else's site.
    await sign_up(client, "acme", "ann@acme.test")
    await client.post(
        "/acme/forgot", {"email": "ann@acme.test"}, headers={"Host": "evil.example"}
    )

    link = mailbox.last_link("ann@acme.test")
    assert link.startswith(f"{settings.base_url}/acme/reset/")


async def test_login_before_confirming_is_refused_with_a_resend_button(
    client: Client, mailbox: Mailbox
) -> None:
    await sign_up(client, "acme", "ann@acme.test")

    response = await client.post(
        "/acme/login", {"email": "ann@acme.test", "password": PASSWORD}, headers=EN
    )
    page = await text(response)
    assert response.status_code == 400
    assert "Please confirm your e-mail address first." in page
    assert 'action="/acme/resend"' in page
    assert "Send the confirmation link again" in page
    assert client.cookie("session") is None


async def test_resending_mails_a_new_link_that_confirms(
    client: Client, mailbox: Mailbox
) -> None:
    await sign_up(client, "acme", "ann@acme.test")
    first_link = mailbox.last_link("ann@acme.test")
    await asyncio.sleep(1.1)  # Link timestamps count whole seconds.

    response = await client.post("/acme/resend", {"email": "ann@acme.test"}, headers=EN)
    assert response.status_code == 200
    assert "we have sent a new link" in await text(response)
    assert len(mailbox.to("ann@acme.test")) == 2
    new_link = mailbox.last_link("ann@acme.test")
    assert new_link != first_link

    confirmed = await client.get(path_of(new_link), headers=EN)
    assert confirmed.status_code == 200
    assert "Your e-mail address is confirmed" in await text(confirmed)
    await client.login("acme", "ann@acme.test")


async def test_resend_for_an_unknown_address_says_the_same_and_mails_nobody(
    client: Client, mailbox: Mailbox
) -> None:
    await sign_up(client, "acme", "ann@acme.test")
    known = await client.post("/acme/resend", {"email": "ann@acme.test"}, headers=EN)
    unknown = await client.post("/acme/resend", {"email": "bob@acme.test"}, headers=EN)

    assert known.status_code == unknown.status_code == 200
    assert (await text(known)).replace("ann@", "bob@") == await text(unknown)
    assert mailbox.to("bob@acme.test") == []


async def test_confirming_lets_the_owner_log_in(
    client: Client, mailbox: Mailbox
) -> None:
    await sign_up(client, "acme", "ann@acme.test")

    response = await client.get(path_of(mailbox.last_link("ann@acme.test")), headers=EN)
    assert response.status_code == 200
    assert "Your e-mail address is confirmed" in await text(response)
    owner = await user_of("acme", "ann@acme.test")
    assert owner.confirmed_at is not None

    await client.login("acme", "ann@acme.test")
    cabinet = await client.get("/acme/my", headers=EN)
    assert cabinet.status_code == 200
    assert "Welcome, Ann Owner" in await text(cabinet)


async def test_a_used_confirmation_link_says_it_was_used(
    client: Client, mailbox: Mailbox
) -> None:
    await sign_up(client, "acme", "ann@acme.test")
    link = path_of(mailbox.last_link("ann@acme.test"))
    await client.get(link)

    again = await client.get(link, headers=EN)
    assert again.status_code == 400
    assert "This link was used already" in await text(again)


async def test_an_expired_confirmation_link_says_so(
    client: Client, mailbox: Mailbox, settings: Settings
) -> None:
    await sign_up(client, "acme", "ann@acme.test")
    owner = await user_of("acme", "ann@acme.test")
    token = old_token(
        settings.secret_key,
        "confirm",
        str(owner.id),
        service.CONFIRM_LINK_AGE + timedelta(minutes=1),
    )

    response = await client.get(f"/acme/confirm/{token}", headers=EN)
    assert response.status_code == 400
    assert "This link has expired" in await text(response)
    assert (await user_of("acme", "ann@acme.test")).confirmed_at is None


@pytest.mark.parametrize(
    "break_token",
    [
        lambda token: token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),
        lambda token: token[: len(token) // 2],
        lambda token: "not-a-token",
    ],
    ids=["changed signature", "cut in half", "garbage"],
)
async def test_a_broken_confirmation_link_says_it_is_not_valid(
    client: Client, mailbox: Mailbox, break_token: Any
) -> None:
    await sign_up(client, "acme", "ann@acme.test")
    token = urlsplit(mailbox.last_link("ann@acme.test")).path.rsplit("/", 1)[1]

    response = await client.get(f"/acme/confirm/{break_token(token)}", headers=EN)
    assert response.status_code == 400
    assert "This link is not valid" in await text(response)
    assert (await user_of("acme", "ann@acme.test")).confirmed_at is None


async def test_a_token_signed_for_another_purpose_does_not_confirm(
    client: Client, mailbox: Mailbox, settings: Settings
) -> None:
    await sign_up(client, "acme", "ann@acme.test")
    owner = await user_of("acme", "ann@acme.test")
    token = URLSafeTimedSerializer(settings.secret_key, salt="invite").dumps(
        str(owner.id)
    )

    response = await client.get(f"/acme/confirm/{token}", headers=EN)
    assert "This link is not valid" in await text(response)
    assert (await user_of("acme", "ann@acme.test")).confirmed_at is None


# The form keeps what was typed


async def test_registration_errors_keep_what_was_typed_except_passwords(
    client: Client, mailbox: Mailbox
) -> None:
    response = await client.post(
        "/acme/register",
        {
            "company": "Acme & Sons",
            "name": "Ann <Owner>",
            "email": "ann@acme.test",
            "password": "first-secret",
            "password2": "other-secret",
        },
        headers=EN,
    )
    page = await text(response)

    assert response.status_code == 400
    assert "The two passwords do not match." in page
    assert 'value="Acme &amp; Sons"' in page
    assert 'value="Ann &lt;Owner&gt;"' in page
    assert 'value="ann@acme.test"' in page
    assert "first-secret" not in page
    assert "other-secret" not in page
    assert not await Tenant.exists(slug="acme")
    assert mailbox.messages == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "This does not look like an e-mail address."),
        ("email", "", "Enter your e-mail address."),
        ("name", "", "Enter a name."),
        ("company", "", "Enter a name."),
        ("password", "short", "at least 8 characters"),
    ],
)
async def test_each_registration_problem_is_named(
    client: Client, field: str, value: str, message: str
) -> None:
    form = {
        "company": "Acme",
        "name": "Ann",
        "email": "ann@acme.test",
        "password": PASSWORD,
        "password2": PASSWORD,
    }
    form[field] = value
    if field == "password":
        form["password2"] = value

    response = await client.post("/acme/register", form, headers=EN)
    assert response.status_code == 400
    assert message in await text(response)
    assert not await Tenant.exists(slug="acme")


async def test_registering_under_a_reserved_slug_is_not_found(client: Client) -> None:
    response = await client.get("/admin/register")
    assert response.status_code == 404


# The session cookie


async def test_login_sets_an_httponly_lax_cookie_with_the_session_claims(
    client: Client, tenant_a: tuple[Tenant, User], settings: Settings
) -> None:
    tenant, owner = tenant_a
    response = await client.login("alpha", owner.email)

    cookie = set_cookie(response, "session")["session"]
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "lax"
    assert not cookie["secure"]
    assert cookie["path"] == "/alpha/"
    assert response.headers["Location"] == "/alpha/my"

    claims = jwt.decode(cookie.value, settings.secret_key, algorithms=["HS256"])
    assert claims["sub"] == str(owner.id)
    assert claims["tenant_id"] == str(tenant.id)
    expires = datetime.fromtimestamp(claims["exp"], UTC)
    expected = datetime.now(UTC) + timedelta(days=settings.session_days)
    assert abs(expires - expected) < timedelta(minutes=1)


@pytest.fixture
def https_app(app: Quart, settings: Settings) -> Quart:
    """A second app on the same database, told it is served over https."""
    from dataclasses import replace

    return create_app(replace(settings, base_url="https://bots.example.com"))


async def test_the_session_cookie_is_secure_when_base_url_is_https(
    https_app: Quart, tenant_a: tuple[Tenant, User]
) -> None:
    _tenant, owner = tenant_a
    client = Client(https_app)
    login_page = await client.get("/alpha/login")
    response = await client.login("alpha", owner.email)

    assert set_cookie(response, "session")["session"]["secure"] is True
    assert set_cookie(login_page, "csrf_token")["csrf_token"]["secure"] is True


async def test_login_goes_back_to_a_cabinet_page_but_never_elsewhere(
    client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    _tenant, owner = tenant_a
    form = {"email": owner.email, "password": PASSWORD}
    inside = await client.post("/alpha/login?next=/alpha/my/profile", form)
    assert inside.headers["Location"] == "/alpha/my/profile"

    for target in ("https://evil.example/", "//evil.example/", "/bravo/my"):
        outside = await client.post(f"/alpha/login?next={target}", form)
        assert outside.headers["Location"] == "/alpha/my"


async def test_a_page_without_a_session_comes_back_after_login(
    client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    _tenant, owner = tenant_a
    response = await client.get("/alpha/my/profile")
    assert response.status_code == 303
    assert response.headers["Location"] == "/alpha/login?next=/alpha/my/profile"

    login = await client.post(
        response.headers["Location"], {"email": owner.email, "password": PASSWORD}
    )
    assert login.headers["Location"] == "/alpha/my/profile"


async def test_a_form_sent_without_a_session_never_comes_back_to_its_target(
    client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    # The form's target answers POST only: after login it would be a 405.
    htmx = await client.post("/alpha/my/profile/name", {"name": "x"}, htmx=True)
    assert htmx.status_code == 204
    assert htmx.headers["HX-Redirect"] == "/alpha/login"
    plain = await client.post("/alpha/my/profile/name", {"name": "x"})
    assert plain.headers["Location"] == "/alpha/login"


async def test_logout_ends_the_session(owner_client: Client) -> None:
    assert (await owner_client.get("/alpha/my")).status_code == 200

    response = await owner_client.post("/alpha/logout")
    assert response.status_code == 303
    assert response.headers["Location"] == "/alpha/login"
    assert owner_client.cookie("session") is None
    after = await owner_client.get("/alpha/my")
    assert after.status_code == 303
    assert after.headers["Location"].startswith("/alpha/login")


async def test_logout_by_get_only_asks_and_changes_nothing(
    owner_client: Client,
) -> None:
    response = await owner_client.get("/alpha/logout", headers=EN)
    assert response.status_code == 200
    assert "Log out of Alpha Ltd?" in await text(response)
    assert (await owner_client.get("/alpha/my")).status_code == 200


async def test_unknown_and_known_emails_get_the_same_login_error(
    client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    known = await client.post(
        "/alpha/login",
        {"email": "owner@alpha.test", "password": "wrong password"},
        headers=EN,
    )
    unknown = await client.post(
        "/alpha/login",
        {"email": "nobody@alpha.test", "password": "wrong password"},
        headers=EN,
    )

    assert known.status_code == unknown.status_code == 400
    known_page = await text(known)
    assert "Wrong e-mail or password." in known_page
    assert 'value="owner@alpha.test"' in known_page
    assert "wrong password" not in known_page
    assert known_page.replace("owner@", "nobody@") == await text(unknown)


async def test_a_user_of_another_tenant_cannot_log_in_here(
    client: Client, tenant_a: tuple[Tenant, User], tenant_b: tuple[Tenant, User]
) -> None:
    response = await client.post(
        "/alpha/login",
        {"email": "owner@bravo.test", "password": PASSWORD},
        headers=EN,
    )
    assert response.status_code == 400
    assert "Wrong e-mail or password." in await text(response)


# Throttling


def from_address(address: str) -> dict[str, Any]:
    """The test client's way to send a request from another IP address."""
    return {"client": (address, 40000)}


async def fail_logins(
    client: Client, email: str, times: int, address: str = "192.0.2.1"
) -> None:
    for _attempt in range(times):
        response = await client.post(
            "/alpha/login",
            {"email": email, "password": "wrong password"},
            scope_base=from_address(address),
        )
        assert response.status_code == 400


async def test_an_account_is_throttled_after_repeated_failures(
    client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    _tenant, owner = tenant_a
    await fail_logins(client, owner.email, service.MAX_FAILURES_PER_ACCOUNT)

    response = await client.post(
        "/alpha/login", {"email": owner.email, "password": PASSWORD}, headers=EN
    )
    assert response.status_code == 429
    assert "Too many attempts" in await text(response)
    assert client.cookie("session") is None


async def test_throttling_holds_across_app_instances_on_one_database(
    app: Quart, settings: Settings, tenant_a: tuple[Tenant, User]
) -> None:
    _tenant, owner = tenant_a
    first = Client(app)
    # A second app, as in another worker: nothing shared but the database.
    second = Client(create_app(settings))
    await fail_logins(first, owner.email, service.MAX_FAILURES_PER_ACCOUNT)

    refused = await second.post(
        "/alpha/login", {"email": owner.email, "password": PASSWORD}
    )
    assert refused.status_code == 429

    # Only the database holds the count: clearing it lets the owner in.
    await LoginAttempt.all().delete()
    allowed = await second.post(
        "/alpha/login", {"email": owner.email, "password": PASSWORD}
    )
    assert allowed.status_code == 303


async def test_an_address_is_throttled_whichever_accounts_it_tries(
    client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    _tenant, owner = tenant_a
    guesser = "203.0.113.7"
    for number in range(service.MAX_FAILURES_PER_ADDRESS):
        await fail_logins(client, f"guess{number}@alpha.test", 1, guesser)

    form = {"email": owner.email, "password": PASSWORD}
    refused = await client.post("/alpha/login", form, scope_base=from_address(guesser))
    assert refused.status_code == 429
    elsewhere = await client.post(
        "/alpha/login", form, scope_base=from_address("198.51.100.2")
    )
    assert elsewhere.status_code == 303


async def test_a_successful_login_forgets_earlier_failures(
    client: Client, tenant_a: tuple[Tenant, User]
) -> None:
    _tenant, owner = tenant_a
    await fail_logins(client, owner.email, service.MAX_FAILURES_PER_ACCOUNT - 1)
    await client.login("alpha", owner.email)
    await fail_logins(client, owner.email, service.MAX_FAILURES_PER_ACCOUNT - 1)

    await client.login("alpha", owner.email)


# Forgotten password


async def test_forgot_password_answers_the_same_for_unknown_and_known_emails(
    client: Client, mailbox: Mailbox, tenant_a: tuple[Tenant, User]
) -> None:
    known = await client.post(
        "/alpha/forgot", {"email": "owner@alpha.test"}, headers=EN
    )
    unknown = await client.post(
        "/alpha/forgot", {"email": "nobody@alpha.test"}, headers=EN
    )

    assert known.status_code == unknown.status_code == 200
    known_page = await text(known)
    assert "we have sent it a link" in known_page
    assert known_page.replace("owner@", "nobody@") == await text(unknown)
    assert len(mailbox.to("owner@alpha.test")) == 1
    assert mailbox.to("nobody@alpha.test") == []


async def test_a_reset_link_sets_a_new_password_and_ends_older_sessions(
    client: Client,
    make_client: Any,
    mailbox: Mailbox,
    tenant_a: tuple[Tenant, User],
) -> None:
    _tenant, owner = tenant_a
    elsewhere: Client = make_client()
    await elsewhere.login("alpha", owner.email)
    assert (await elsewhere.get("/alpha/my")).status_code == 200

    await client.post("/alpha/forgot", {"email": owner.email})
    link = path_of(mailbox.last_link(owner.email))
    form_page = await client.get(link, headers=EN)
    assert form_page.status_code == 200
    assert "Choose a new password" in await text(form_page)
    response = await client.post(
        link, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/alpha/login"

    old_session = await elsewhere.get("/alpha/my")
    assert old_session.status_code == 303
    assert old_session.headers["Location"].startswith("/alpha/login")
    wrong = await client.post(
        "/alpha/login", {"email": owner.email, "password": PASSWORD}
    )
    assert wrong.status_code == 400
    await client.login("alpha", owner.email, NEW_PASSWORD)


async def test_a_reset_link_works_only_once(
    client: Client, mailbox: Mailbox, tenant_a: tuple[Tenant, User]
) -> None:
    _tenant, owner = tenant_a
    await client.post("/alpha/forgot", {"email": owner.email})
    link = path_of(mailbox.last_link(owner.email))
    await client.post(link, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = await client.get(link, headers=EN)
    assert again.status_code == 400
    assert "This link was used already" in await text(again)
    reuse = await client.post(
        link, {"password": "third password", "password2": "third password"}
    )
    assert reuse.status_code == 400
    await client.login("alpha", owner.email, NEW_PASSWORD)


async def test_an_expired_reset_link_says_so(
    client: Client, settings: Settings, tenant_a: tuple[Tenant, User]
) -> None:
    _tenant, owner = tenant_a
    token = old_token(
        settings.secret_key,
        "reset",
        [str(owner.id), owner.session_version],
        service.RESET_LINK_AGE + timedelta(minutes=1),
    )

    response = await client.get(f"/alpha/reset/{token}", headers=EN)
    assert response.status_code == 400
    assert "This link has expired" in await text(response)


async def test_a_reset_link_of_another_tenant_does_nothing_here(
    client: Client,
    mailbox: Mailbox,
    tenant_a: tuple[Tenant, User],
    tenant_b: tuple[Tenant, User],
) -> None:
    _tenant, bravo_owner = tenant_b
    await client.post("/bravo/forgot", {"email": bravo_owner.email})
    token = urlsplit(mailbox.last_link(bravo_owner.email)).path.rsplit("/", 1)[1]

    response = await client.get(f"/alpha/reset/{token}", headers=EN)
    assert response.status_code == 400
    assert "Bravo" not in await text(response)


async def test_reset_form_errors_are_named_and_nothing_changes(
    client: Client, mailbox: Mailbox, tenant_a: tuple[Tenant, User]
) -> None:
    _tenant, owner = tenant_a
    await client.post("/alpha/forgot", {"email": owner.email})
    link = path_of(mailbox.last_link(owner.email))

    response = await client.post(
        link, {"password": NEW_PASSWORD, "password2": "something else"}, headers=EN
    )
    assert response.status_code == 400
    assert "The two passwords do not match." in await text(response)
    await client.login("alpha", owner.email)


# Joining an existing tenant


async def test_registering_into_an_existing_tenant_without_invitation_is_refused(
    client: Client, mailbox: Mailbox, tenant_a: tuple[Tenant, User]
) -> None:
    page_response = await client.get("/alpha/register", headers=EN)
    assert page_response.status_code == 403
    page = await text(page_response)
    assert "You need an invitation" in page
    assert "Ask the owner to invite you" in page

    posted = await client.post(
        "/alpha/register",
        {
            "name": "Mallory",
            "email": "mallory@evil.test",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert posted.status_code == 403
    with tenant_scope(tenant_a[0].id):
        assert not await User.exists(email="mallory@evil.test")
    assert mailbox.messages == []


async def test_a_forged_invitation_link_is_refused(
    client: Client, settings: Settings, tenant_a: tuple[Tenant, User]
) -> None:
    forged = URLSafeTimedSerializer("another secret " * 3, salt="invite").dumps(
        "00000000-0000-0000-0000-000000000000"
    )
    response = await client.get(f"/alpha/register?invite={forged}", headers=EN)
    assert response.status_code == 403
    assert "This invitation link is not valid any more" in await text(response)


async def invite(owner_client: Client, mailbox: Mailbox, email: str) -> str:
    """The owner invites `email` from the profile; returns the mailed link."""
    response = await owner_client.post(
        "/alpha/my/profile/invite", {"email": email}, headers=EN
    )
    assert response.status_code == 200, await text(response)
    address = service.normalise_email(email)
    assert f"The invitation is sent to {address}." in await text(response)
    return path_of(mailbox.last_link(address))


async def test_an_invited_person_joins_as_a_member_with_the_invited_email(
    owner_client: Client,
    make_client: Any,
    mailbox: Mailbox,
    tenant_a: tuple[Tenant, User],
) -> None:
    link = await invite(owner_client, mailbox, "Bob@Example.test")
    [mail] = mailbox.to("bob@example.test")
    assert "Alpha Ltd" in mail["Subject"]

    bob: Client = make_client()
    page_response = await bob.get(link, headers=EN)
    page = await text(page_response)
    assert page_response.status_code == 200
    assert "Join Alpha Ltd" in page
    assert 'value="bob@example.test"' in page

    response = await bob.post(
        link,
        {
            "name": "Bob",
            # The address is the invited one, whatever the form sends.
            "email": "someone-else@example.test",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 303
    tenant = tenant_a[0]
    with tenant_scope(tenant.id):
        member = await User.get(email="bob@example.test")
        assert not await User.exists(email="someone-else@example.test")
        invitation = await Invitation.get(email="bob@example.test")
    assert member.role == Role.MEMBER
    assert invitation.accepted_at is not None

    await bob.get(path_of(mailbox.last_link("bob@example.test")))
    await bob.login("alpha", "bob@example.test")
    assert (await bob.get("/alpha/my")).status_code == 200


async def test_an_invitation_cannot_be_used_twice(
    owner_client: Client,
    make_client: Any,
    mailbox: Mailbox,
    tenant_a: tuple[Tenant, User],
) -> None:
    link = await invite(owner_client, mailbox, "bob@example.test")
    form = {"name": "Bob", "password": PASSWORD, "password2": PASSWORD}
    first = await make_client().post(link, form)
    assert first.status_code == 303

    second: Client = make_client()
    page = await second.get(link, headers=EN)
    assert page.status_code == 403
    assert "This invitation link is not valid any more" in await text(page)
    again = await second.post(link, {**form, "name": "Bob Again"})
    assert again.status_code == 403
    with tenant_scope(tenant_a[0].id):
        assert await User.filter(email="bob@example.test").count() == 1


async def test_a_withdrawn_invitation_no_longer_opens_registration(
    owner_client: Client, mailbox: Mailbox, tenant_a: tuple[Tenant, User]
) -> None:
    link = await invite(owner_client, mailbox, "bob@example.test")
    with tenant_scope(tenant_a[0].id):
        invitation = await Invitation.get(email="bob@example.test")

    revoked = await owner_client.post(
        f"/alpha/my/profile/invitations/{invitation.id}/revoke", headers=EN
    )
    assert revoked.status_code == 200
    assert "The invitation is withdrawn." in await text(revoked)
    assert (await owner_client.get(link)).status_code == 403


async def test_an_invitation_of_one_tenant_does_not_open_another(
    owner_client: Client,
    make_client: Any,
    mailbox: Mailbox,
    tenant_b: tuple[Tenant, User],
) -> None:
    link = await invite(owner_client, mailbox, "bob@example.test")
    token = re.sub(r".*invite=", "", link)

    response = await make_client().get(f"/bravo/register?invite={token}")
    assert response.status_code == 403


async def test_a_duplicate_email_in_a_tenant_is_refused_with_a_message(
    client: Client, tenant_a: tuple[Tenant, User], settings: Settings
) -> None:
    # An invitation left open for an address that has since become a member.
    tenant, owner = tenant_a
    with tenant_scope(tenant.id):
        invitation = await Invitation.create(email=owner.email, invited_by=owner)
    token = URLSafeTimedSerializer(settings.secret_key, salt="invite").dumps(
        str(invitation.id)
    )

    response = await client.post(
        f"/alpha/register?invite={token}",
        {"name": "Twin", "password": PASSWORD, "password2": PASSWORD},
        headers=EN,
    )
    assert response.status_code == 400
    assert "This e-mail address is already registered here." in await text(response)
    assert 'value="Twin"' in await text(response)
    with tenant_scope(tenant.id):
        assert await User.filter(email=owner.email).count() == 1


async def test_the_same_email_may_register_in_another_tenant(
    client: Client, mailbox: Mailbox, tenant_a: tuple[Tenant, User]
) -> None:
    _tenant, owner = tenant_a
    response = await sign_up(client, "charlie", owner.email, company="Charlie Co")

    assert response.status_code == 303
    charlie_owner = await user_of("charlie", owner.email)
    assert charlie_owner.id != owner.id
    assert charlie_owner.role == Role.OWNER


async def test_registering_a_tenant_whose_slug_was_just_taken_is_refused(
    client: Client, mailbox: Mailbox
) -> None:
    await make_tenant("acme")
    response = await sign_up(client, "acme", "late@acme.test")
    assert response.status_code == 403
    assert not await User.unscoped().filter(email="late@acme.test").exists()


# Proxies


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.1"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.9, 203.0.113.7", "203.0.113.7"),
        (2, "198.51.100.9, 203.0.113.7", "198.51.100.9"),
        (2, "203.0.113.7", "10.0.0.1"),
    ],
)
async def test_failed_logins_count_the_address_trusted_proxies_name(
    app: Quart,
    settings: Settings,
    tenant_a: tuple[Tenant, User],
    hops: int,
    forwarded: str,
    expected: str,
) -> None:
    # The same database as `app`, served by an app that trusts `hops` proxies.
    behind_proxies = Client(create_app(replace(settings, trusted_proxies=hops)))
    response = await behind_proxies.post(
        "/alpha/login",
        {"email": "owner@alpha.test", "password": "wrong password"},
        headers={"X-Forwarded-For": forwarded},
        scope_base=from_address("10.0.0.1"),
    )
    assert response.status_code == 400
    keys = [str(key) for key in await LoginAttempt.all().values_list("key", flat=True)]
    assert [key for key in keys if key.startswith("address:")] == [
        f"address:{expected}"
    ]
