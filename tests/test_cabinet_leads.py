"""The leads page: status changed in place, deletion, and the CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from saasaisite.cabinet.leads_page import safe_cell
from saasaisite.models import Lead, LeadStatus, Tenant, User
from saasaisite.tenancy import tenant_scope
from tests.cabinet_data import make_dialog, make_lead
from tests.conftest import Client

EN = {"Accept-Language": "en"}
Pair = tuple[Tenant, User]


async def lead_status(tenant: Tenant, lead: Lead) -> LeadStatus:
    with tenant_scope(tenant.id):
        return (await Lead.get(id=lead.id)).status


async def test_leads_show_contact_name_status_and_dialog(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    dialog = await make_dialog(tenant, "Call me")
    await make_lead(tenant, "ann@example.com", name="Ann", dialog=dialog)
    removed = await make_lead(tenant, "+79990001122")
    with tenant_scope(tenant.id):
        removed.dialog_removed = True
        await removed.save()
    response = await owner_client.get("/alpha/my/leads", headers=EN)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert "ann@example.com" in page
    assert "Ann" in page
    assert f'href="/alpha/my/dialogs/{dialog.id}"' in page
    assert "dialog removed" in page
    assert '<option value="new" selected>New</option>' in page


async def test_the_status_changes_in_place(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    lead = await make_lead(tenant, "ann@example.com")
    response = await owner_client.post(
        f"/alpha/my/leads/{lead.id}/status", {"status": "won"}, htmx=True, headers=EN
    )
    row = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert row.lstrip().startswith(f'<tr id="lead-{lead.id}">')
    assert '<option value="won" selected>Won</option>' in row
    assert await lead_status(tenant, lead) == LeadStatus.WON


async def test_the_status_form_works_without_javascript(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    lead = await make_lead(tenant, "ann@example.com")
    response = await owner_client.post(
        f"/alpha/my/leads/{lead.id}/status", {"status": "contacted"}
    )
    assert response.status_code == 303
    assert await lead_status(tenant, lead) == LeadStatus.CONTACTED


@pytest.mark.parametrize("htmx", [True, False])
async def test_an_unknown_status_is_refused_clearly(
    owner_client: Client, tenant_a: Pair, htmx: bool
) -> None:
    tenant, _owner = tenant_a
    lead = await make_lead(tenant, "ann@example.com")
    response = await owner_client.post(
        f"/alpha/my/leads/{lead.id}/status",
        {"status": "married"},
        htmx=htmx,
        headers=EN,
    )
    page = await response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Unknown status married. Choose one of: New, Contacted, Won, Lost." in page
    assert await lead_status(tenant, lead) == LeadStatus.NEW


async def test_deleting_a_lead(owner_client: Client, tenant_a: Pair) -> None:
    tenant, _owner = tenant_a
    lead = await make_lead(tenant, "ann@example.com")
    response = await owner_client.post(f"/alpha/my/leads/{lead.id}/delete", htmx=True)
    assert response.status_code == 200
    assert await response.get_data(as_text=True) == ""
    with tenant_scope(tenant.id):
        assert not await Lead.exists(id=lead.id)


async def test_the_csv_opens_in_excel_and_runs_no_formula(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    dialog = await make_dialog(tenant, "Hi")
    await make_lead(tenant, "anna@example.com", name="Анна", dialog=dialog)
    await make_lead(tenant, "evil@example.com", name="=HYPERLINK(1)")
    response = await owner_client.get("/alpha/my/leads/export.csv", headers=EN)
    body = await response.get_data()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert body.startswith(b"\xef\xbb\xbf")

    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Contact", "Name", "E-mail", "Phone", "Status"]
    by_contact = {row[0]: row for row in rows[1:]}
    assert by_contact["anna@example.com"][1] == "Анна"
    assert by_contact["anna@example.com"][7].endswith(f"/alpha/my/dialogs/{dialog.id}")
    assert by_contact["evil@example.com"][1] == "'=HYPERLINK(1)"


async def test_the_russian_csv_uses_semicolons_and_russian_headers(
    owner_client: Client, tenant_a: Pair
) -> None:
    tenant, _owner = tenant_a
    await make_lead(tenant, "+79990001122", name="Иван")
    response = await owner_client.get(
        "/alpha/my/leads/export.csv", headers={"Accept-Language": "ru"}
    )
    text = (await response.get_data()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Контакт"
    assert rows[1][:2] == ["'+79990001122", "Иван"]
    assert rows[1][4] == "Новый"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+7 999", "'+7 999"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("ann", "ann"),
        ("", ""),
    ],
)
def test_cells_that_could_run_as_formulas_are_quoted(value: str, cell: str) -> None:
    assert safe_cell(value) == cell


async def test_the_export_never_holds_another_tenants_leads(
    owner_client: Client, tenant_a: Pair, tenant_b: Pair
) -> None:
    tenant, _owner = tenant_a
    other, _owner_b = tenant_b
    await make_lead(tenant, "mine@example.com")
    await make_lead(other, "bravo-secret@example.com")
    response = await owner_client.get("/alpha/my/leads/export.csv")
    body = (await response.get_data()).decode("utf-8-sig")
    assert "mine@example.com" in body
    assert "bravo-secret" not in body
    page = await (await owner_client.get("/alpha/my/leads")).get_data(as_text=True)
    assert "bravo-secret" not in page


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/alpha/my/leads/{id}/status", {"status": "lost"}),
        ("/alpha/my/leads/{id}/delete", {}),
    ],
)
async def test_another_tenants_lead_is_not_found_and_unchanged(
    owner_client: Client, tenant_b: Pair, path: str, data: dict[str, str]
) -> None:
    other, _owner = tenant_b
    foreign = await make_lead(other, "bravo-secret@example.com")
    response = await owner_client.post(path.format(id=foreign.id), data)
    assert response.status_code == 404
    assert await lead_status(other, foreign) == LeadStatus.NEW


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/alpha/my/leads"),
        ("GET", "/alpha/my/leads/export.csv"),
        ("POST", "/alpha/my/leads/{id}/status"),
        ("POST", "/alpha/my/leads/{id}/delete"),
    ],
)
async def test_another_tenants_session_is_sent_to_log_in(
    client: Client, tenant_a: Pair, tenant_b: Pair, method: str, path: str
) -> None:
    tenant, _owner = tenant_a
    other, other_owner = tenant_b
    lead = await make_lead(tenant, "mine@example.com")
    await client.login(other.slug, other_owner.email)
    url = path.format(id=lead.id)
    if method == "GET":
        response = await client.get(url)
    else:
        response = await client.post(url, {"status": "lost"})
    assert response.status_code == 303
    assert "mine@example.com" not in await response.get_data(as_text=True)
    with tenant_scope(tenant.id):
        assert (await Lead.get(id=lead.id)).status == LeadStatus.NEW
