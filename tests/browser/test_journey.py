"""The whole journey in Chromium: sign-up, mail, login, profile, invitation."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from saasaisite.models import Role, Tenant, User
from saasaisite.tenancy import tenant_scope
from tests.browser.conftest import assert_accessible, eventually
from tests.conftest import PASSWORD, Mailbox, make_tenant

NEW_PASSWORD = "a brand new secret"


async def mailed_link(mailbox: Mailbox, address: str, count: int = 1) -> str:
    """The link of the `count`-th mail to `address`, once it has arrived."""

    async def arrived() -> bool:
        return len(mailbox.to(address)) >= count

    assert await eventually(arrived), f"no mail reached {address}"
    return mailbox.last_link(address)


async def log_in(page: Page, email: str, password: str) -> None:
    """Fill the login form that is on the page and land in the cabinet."""
    await page.get_by_label("E-mail").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url("**/my")


async def test_a_new_owner_signs_up_and_works_in_the_cabinet(
    page: Page, live_server: str, mailbox: Mailbox
) -> None:
    await page.goto(f"{live_server}/")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(
        "AI chat bot for your website"
    )
    await assert_accessible(page)

    await page.get_by_label("Company name").fill("Acme Tea")
    await page.get_by_label("Address of your bot").fill("acme-tea")
    await page.get_by_role("button", name="Continue").click()
    await page.wait_for_url("**/acme-tea/register?company=Acme+Tea")
    await expect(page.get_by_label("Company name")).to_have_value("Acme Tea")
    await assert_accessible(page)

    await page.get_by_label("Your name").fill("Ann Owner")
    await page.get_by_label("E-mail").fill("ann@acme.test")
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_label("Password again").fill(PASSWORD)
    await page.get_by_role("button", name="Register").click()
    await page.wait_for_url("**/acme-tea/check-mail**")
    await expect(page.get_by_text("ann@acme.test")).to_be_visible()
    await assert_accessible(page)

    # Logging in before confirming offers the link again.
    await page.get_by_role("link", name="Log in").click()
    await page.wait_for_url("**/acme-tea/login")
    await assert_accessible(page)
    await page.get_by_label("E-mail").fill("ann@acme.test")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("alert")).to_contain_text("confirm your e-mail")
    await assert_accessible(page)

    await page.goto(await mailed_link(mailbox, "ann@acme.test"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your e-mail address is confirmed"
    )
    await assert_accessible(page)

    await page.get_by_role("link", name="Log in").click()
    await page.wait_for_url("**/acme-tea/login")
    await log_in(page, "ann@acme.test", PASSWORD)
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Welcome, Ann Owner"
    )
    await assert_accessible(page)

    await page.get_by_role("link", name="Leads").click()
    await page.wait_for_url("**/acme-tea/my/leads")
    await assert_accessible(page)

    await page.get_by_role("link", name="Profile").click()
    await page.wait_for_url("**/acme-tea/my/profile")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Profile")
    await assert_accessible(page)

    await page.get_by_label("Current password").fill(PASSWORD)
    await page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    await page.get_by_label("New password again").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Change the password").click()
    await expect(page.get_by_role("status")).to_have_text("Your password is changed.")
    await assert_accessible(page)

    await page.get_by_role("link", name="Log out").click()
    await page.wait_for_url("**/acme-tea/logout")
    await assert_accessible(page)
    await page.get_by_role("button", name="Log out").click()
    await page.wait_for_url("**/acme-tea/login")
    await assert_accessible(page)

    await page.goto(f"{live_server}/acme-tea/my")
    await page.wait_for_url("**/acme-tea/login?next=/acme-tea/my")
    await page.get_by_label("E-mail").fill("ann@acme.test")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("alert")).to_have_text("Wrong e-mail or password.")
    await assert_accessible(page)
    await log_in(page, "ann@acme.test", NEW_PASSWORD)
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Welcome, Ann Owner"
    )


async def test_an_invited_member_joins_and_sees_no_owner_sections(
    page: Page, browser: Browser, live_server: str, mailbox: Mailbox
) -> None:
    tenant, owner = await make_tenant("acme-tea", owner_email="ann@acme.test")
    await page.goto(f"{live_server}/acme-tea/login")
    await log_in(page, owner.email, PASSWORD)
    await page.get_by_role("link", name="Profile").click()
    await page.wait_for_url("**/acme-tea/my/profile")

    await page.get_by_label("Invite by e-mail").fill("bob@acme.test")
    await page.get_by_role("button", name="Send the invitation").click()
    await expect(page.get_by_role("status")).to_have_text(
        "The invitation is sent to bob@acme.test."
    )
    await expect(page.get_by_text("Invitations not used yet")).to_be_visible()
    await assert_accessible(page)
    link = await mailed_link(mailbox, "bob@acme.test")

    context = await browser.new_context(locale="en-US")
    try:
        bob = await context.new_page()
        await bob.goto(link)
        await expect(bob.get_by_role("heading", level=1)).to_have_text(
            "Join Acme-Tea Ltd"
        )
        await expect(bob.get_by_label("E-mail")).to_have_value("bob@acme.test")
        await assert_accessible(bob)
        await bob.get_by_label("Your name").fill("Bob Member")
        await bob.get_by_label("Password", exact=True).fill(PASSWORD)
        await bob.get_by_label("Password again").fill(PASSWORD)
        await bob.get_by_role("button", name="Register").click()
        await bob.wait_for_url("**/acme-tea/check-mail**")
        await assert_accessible(bob)

        # The second mail to Bob is the confirmation.
        await bob.goto(await mailed_link(mailbox, "bob@acme.test", count=2))
        await expect(bob.get_by_role("heading", level=1)).to_have_text(
            "Your e-mail address is confirmed"
        )
        await bob.get_by_role("link", name="Log in").click()
        await log_in(bob, "bob@acme.test", PASSWORD)
        await expect(bob.get_by_role("heading", level=1)).to_have_text(
            "Welcome, Bob Member"
        )
        await assert_accessible(bob)

        await bob.get_by_role("link", name="Profile").click()
        await bob.wait_for_url("**/acme-tea/my/profile")
        await expect(bob.get_by_role("heading", name="Your name")).to_be_visible()
        await expect(bob.get_by_role("heading", name="Team")).to_have_count(0)
        await expect(bob.get_by_role("heading", name="Company")).to_have_count(0)
        await expect(bob.get_by_text(owner.email)).to_have_count(0)
        await assert_accessible(bob)
    finally:
        await context.close()

    with tenant_scope(tenant.id):
        member = await User.get(email="bob@acme.test")
    assert member.role == Role.MEMBER
    await page.reload()
    await expect(page.get_by_role("cell", name="bob@acme.test")).to_be_visible()
    await expect(page.get_by_text("Invitations not used yet")).to_have_count(0)


async def test_the_landing_form_shows_each_slug_problem_beside_the_field(
    page: Page, live_server: str
) -> None:
    await page.goto(f"{live_server}/")
    company = page.get_by_label("Company name")
    slug = page.get_by_label("Address of your bot")
    await company.fill("Tea & Co")
    await slug.fill("-Tea_")
    await page.get_by_role("button", name="Continue").click()

    errors = page.locator("#error-slug")
    await expect(errors).to_contain_text("lowercase latin letters")
    await expect(errors).to_contain_text("start or end with a hyphen")
    await expect(slug).to_have_attribute("aria-invalid", "true")
    await expect(company).to_have_value("Tea & Co")
    await expect(slug).to_have_value("-Tea_")
    await assert_accessible(page)

    await Tenant.create(slug="taken", name="Taken")
    for value, message in (("admin", "reserved"), ("taken", "already taken")):
        await slug.fill(value)
        await page.get_by_role("button", name="Continue").click()
        await expect(errors).to_contain_text(message)
        await expect(company).to_have_value("Tea & Co")

    await slug.fill("tea-and-co")
    await page.get_by_role("button", name="Continue").click()
    await page.wait_for_url("**/tea-and-co/register**")
    await expect(page.get_by_label("Company name")).to_have_value("Tea & Co")


async def fits_the_width(page: Page) -> bool:
    """Nothing sticks out sideways: no horizontal scrolling is needed."""
    overflow: bool = await page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    return not overflow


async def test_the_account_pages_work_at_a_phones_width(
    browser: Browser, live_server: str, app: object
) -> None:
    _tenant, owner = await make_tenant("acme-tea", owner_email="ann@acme.test")
    context = await browser.new_context(
        locale="en-US", viewport={"width": 360, "height": 740}, is_mobile=True
    )
    try:
        phone = await context.new_page()
        for path in (
            "/",
            "/new-shop/register",
            "/acme-tea/register",
            "/acme-tea/login",
            "/acme-tea/forgot",
            "/acme-tea/confirm/broken-link",
            "/acme-tea/reset/broken-link",
            "/no/such/page",
        ):
            await phone.goto(f"{live_server}{path}")
            assert await fits_the_width(phone), path
            await assert_accessible(phone)

        await phone.goto(f"{live_server}/acme-tea/login")
        await log_in(phone, owner.email, PASSWORD)
        assert await fits_the_width(phone), "cabinet"
        await assert_accessible(phone)
        await phone.get_by_role("link", name="Profile").click()
        await expect(phone.get_by_role("heading", level=1)).to_have_text("Profile")
        assert await fits_the_width(phone), "profile"
        await assert_accessible(phone)
    finally:
        await context.close()
