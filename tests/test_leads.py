"""Leads: contacts found in visitors' messages, stored once, owners mailed."""

from __future__ import annotations

import asyncio
from email.header import decode_header, make_header

import pytest

from saasaisite.chat.answers import post_message
from saasaisite.leads import Contact, find_contacts, normalise_phone, parse_contact
from saasaisite.models import Dialog, DialogKind, Lead, Tenant, User
from saasaisite.tenancy import tenant_scope
from tests.chat_helpers import send
from tests.conftest import Client, Mailbox, make_tenant

Pair = tuple[Tenant, User]


async def mails_to(mailbox: Mailbox, address: str, count: int) -> list[str]:
    """The subjects mailed to `address`, once `count` have arrived (or 5 s)."""
    for _attempt in range(100):
        if len(mailbox.to(address)) >= count:
            break
        await asyncio.sleep(0.05)
    return [
        str(make_header(decode_header(str(message["Subject"]))))
        for message in mailbox.to(address)
    ]


async def leads_of(tenant: Tenant) -> list[Lead]:
    with tenant_scope(tenant.id):
        return await Lead.all().order_by("created_at")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Write to John.Doe@Example.COM please",
            [Contact(email="john.doe@example.com")],
        ),
        ("Call +7 (916) 123-45-67", [Contact(phone="+79161234567")]),
        ("Call 8 916 123 45 67 after six", [Contact(phone="+79161234567")]),
        ("My number: +44 20 7946 0958.", [Contact(phone="+442079460958")]),
        (
            "a@b.io or a@b.io, and +1 415 555 2671",
            [Contact(email="a@b.io"), Contact(phone="+14155552671")],
        ),
        ("Order 12345 on 2026-12-03 costs 1 500", []),
        ("No contact at all", []),
    ],
)
def test_contacts_are_found_and_normalised(text: str, expected: list[Contact]) -> None:
    assert find_contacts(text) == expected


def test_phone_of_unreasonable_length_is_not_a_phone() -> None:
    assert normalise_phone("12345") is None
    assert normalise_phone("+1234567890123456") is None
    assert parse_contact("not a contact") is None
    assert parse_contact(" Ann@Mail.Example ") == Contact(email="ann@mail.example")


async def test_contacts_in_a_message_become_leads_and_owners_are_mailed(
    client: Client, tenant_a: Pair, tenant_b: Pair, mailbox: Mailbox
) -> None:
    tenant, owner = tenant_a
    sent = await send(client, "alpha", "I am Ann: ann@mail.example, +7 916 123-45-67")
    leads = await leads_of(tenant)
    assert sorted(lead.contact for lead in leads) == [
        "+79161234567",
        "ann@mail.example",
    ]
    with tenant_scope(tenant.id):
        dialog = await Dialog.get()
    assert dialog.has_lead
    assert all(lead.dialog_id == dialog.id for lead in leads)
    assert await leads_of(tenant_b[0]) == []

    subjects = await mails_to(mailbox, owner.email, 2)
    assert sorted(subjects) == [
        "Новый контакт из вашего чата: +79161234567",
        "Новый контакт из вашего чата: ann@mail.example",
    ]
    link = mailbox.last_link(owner.email)
    assert link == f"http://127.0.0.1:5000/alpha/my/dialogs/{dialog.id}"
    assert mailbox.to(tenant_b[1].email) == []
    assert sent.status == 200


async def test_same_contact_again_updates_the_lead_and_mails_no_one(
    client: Client, tenant_a: Pair, mailbox: Mailbox
) -> None:
    tenant, owner = tenant_a
    await send(client, "alpha", "ann@mail.example")
    await mails_to(mailbox, owner.email, 1)
    later = await send(client, "alpha", "It's me again: ANN@mail.example")
    await asyncio.sleep(0.3)

    [lead] = await leads_of(tenant)
    with tenant_scope(tenant.id):
        newest = await Dialog.all().order_by("-created_at").first()
    assert newest is not None
    assert lead.dialog_id == newest.id
    assert later.status == 200
    assert len(mailbox.to(owner.email)) == 1


async def test_same_contact_in_two_tenants_is_a_lead_of_each(
    client: Client, tenant_a: Pair, tenant_b: Pair, mailbox: Mailbox
) -> None:
    await send(client, "alpha", "ann@mail.example")
    await send(client, "bravo", "ann@mail.example")
    assert [lead.contact for lead in await leads_of(tenant_a[0])] == [
        "ann@mail.example"
    ]
    assert [lead.contact for lead in await leads_of(tenant_b[0])] == [
        "ann@mail.example"
    ]
    assert len(await mails_to(mailbox, tenant_b[1].email, 1)) == 1


async def test_admin_dialogs_never_create_leads(
    app: object, tenant_a: Pair, mailbox: Mailbox
) -> None:
    tenant, owner = tenant_a
    with tenant_scope(tenant.id):
        dialog = await Dialog.create(kind=DialogKind.ADMIN, user=owner)
        await post_message(dialog, "Test: call +7 916 123-45-67, ann@mail.example")
        assert await Lead.all().count() == 0
        dialog = await Dialog.get(id=dialog.id)
    assert not dialog.has_lead
    await asyncio.sleep(0.2)
    assert mailbox.to(owner.email) == []


async def test_every_owner_is_mailed(
    client: Client, app: object, mailbox: Mailbox
) -> None:
    tenant, owner = await make_tenant("charlie")
    with tenant_scope(tenant.id):
        await User.create(
            email="second@charlie.test",
            name="Second owner",
            password_hash="x",
            role="owner",
        )
        await User.create(email="member@charlie.test", name="Member", password_hash="x")
    await send(client, "charlie", "bob@mail.example")
    assert len(await mails_to(mailbox, owner.email, 1)) == 1
    assert len(await mails_to(mailbox, "second@charlie.test", 1)) == 1
    assert mailbox.to("member@charlie.test") == []


async def test_contact_form_stores_name_contact_and_consent(
    client: Client, tenant_a: Pair, mailbox: Mailbox
) -> None:
    tenant, owner = tenant_a
    tenant.contact_form = True
    await tenant.save()
    sent = await send(client, "alpha", "I have a question")
    page = await (await client.get("/alpha/chat/embed")).get_data(as_text=True)
    assert "chat-contact" in page

    refused = await client.http.post(
        "/alpha/chat/contact",
        form={"name": "Ann", "contact": "not a contact"},
        headers={"HX-Request": "true", "X-Visitor-Token": sent.token},
    )
    html = await refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Укажите адрес электронной почты или номер телефона." in html
    assert "Отметьте согласие" in html
    assert 'value="not a contact"' in html
    assert await leads_of(tenant) == []

    accepted = await client.http.post(
        "/alpha/chat/contact",
        form={"name": "Ann", "contact": "+7 916 123 45 67", "consent": "yes"},
        headers={"HX-Request": "true", "X-Visitor-Token": sent.token},
    )
    assert accepted.status_code == 200
    assert "Спасибо!" in await accepted.get_data(as_text=True)
    [lead] = await leads_of(tenant)
    with tenant_scope(tenant.id):
        dialog = await Dialog.get()
    assert (lead.contact, lead.phone, lead.name) == (
        "+79161234567",
        "+79161234567",
        "Ann",
    )
    assert lead.dialog_id == dialog.id
    assert lead.consent_text.startswith("Я согласен")
    assert lead.consent_at is not None
    assert len(await mails_to(mailbox, owner.email, 1)) == 1


async def test_contact_form_is_off_unless_the_tenant_wants_it(
    client: Client, tenant_a: Pair
) -> None:
    page = await (await client.get("/alpha/chat/embed")).get_data(as_text=True)
    assert "chat-contact" not in page
    response = await client.http.post(
        "/alpha/chat/contact",
        form={"contact": "ann@mail.example", "consent": "yes"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 404
    assert await leads_of(tenant_a[0]) == []
