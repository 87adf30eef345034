"""The leads page: the contacts visitors left, their status, a CSV export."""

from __future__ import annotations

import csv
import io
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from quart import Response, g, request, url_for

from saasaisite.cabinet.blueprint import bp
from saasaisite.config import current_settings
from saasaisite.errors import NotFound
from saasaisite.htmx import is_htmx, redirect_to, render
from saasaisite.i18n import current_locale
from saasaisite.i18n import gettext as _
from saasaisite.models import Lead, LeadStatus, Tenant

log = logging.getLogger(__name__)

PAGE = "cabinet/leads.html"
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def lead_status_labels() -> dict[str, str]:
    """Each lead status with its label, in the order of a lead's life."""
    return {
        LeadStatus.NEW: _("New"),
        LeadStatus.CONTACTED: _("Contacted"),
        LeadStatus.WON: _("Won"),
        LeadStatus.LOST: _("Lost"),
    }


async def _lead(lead_id: uuid.UUID) -> Lead:
    lead = await Lead.get_or_none(id=lead_id)
    if lead is None:
        raise NotFound()
    return lead


async def _page(
    block: str | None = "content", status: int = 200, **context: Any
) -> Response:
    """The leads page, or one of its blocks when htmx asked."""
    context.setdefault("leads", await Lead.all().order_by("-created_at", "-id"))
    context.setdefault("errors", {})
    context.setdefault("notice", "")
    page = await render(
        PAGE,
        block,
        tenant=g.tenant,
        active="leads",
        status_labels=lead_status_labels(),
        **context,
    )
    return Response(page, status=status)


@bp.route("/leads")
async def leads() -> Response:
    """Every lead of the tenant, newest first."""
    deleted = request.args.get("deleted") == "1"
    return await _page(notice=_("The lead is deleted.") if deleted else "")


@bp.route("/leads/<uuid:lead_id>/status", methods=["POST"])
async def change_lead_status(lead_id: uuid.UUID) -> Response:
    """Set a lead's status (new, contacted, won, lost)."""
    lead = await _lead(lead_id)
    wanted = (await request.form).get("status", "")
    labels = lead_status_labels()
    if wanted not in labels:
        problem = _(
            "Unknown status %(status)s. Choose one of: %(choices)s.",
            status=wanted[:40],
            choices=", ".join(labels.values()),
        )
        if is_htmx():
            return await _page("row", 400, lead=lead, errors={lead.id: problem})
        return await _page(status=400, errors={lead.id: problem})

    lead.status = LeadStatus(wanted)
    await lead.save(update_fields=["status", "updated_at"])
    if is_htmx():
        return await _page("row", lead=lead, saved=lead.id)
    return redirect_to(url_for("cabinet.leads") + f"#lead-{lead.id}")


@bp.route("/leads/<uuid:lead_id>/delete", methods=["POST"])
async def delete_lead(lead_id: uuid.UUID) -> Response:
    """Delete a lead."""
    lead = await _lead(lead_id)
    await lead.delete()
    log.info("lead deleted tenant=%s lead=%s", lead.tenant_id, lead.id)
    if is_htmx():
        # The row is swapped for nothing: it disappears from the table.
        return Response("")
    return redirect_to(url_for("cabinet.leads", deleted="1"))


@bp.route("/leads/export.csv")
async def export_leads() -> Response:
    """Every lead as CSV, in UTF-8 with a BOM so that Excel reads it right."""
    tenant: Tenant = g.tenant
    rows = await Lead.all().order_by("-created_at", "-id")
    # Excel splits columns by the list separator of the reader's region:
    # a semicolon where Russian is spoken, a comma in English.
    delimiter = ";" if current_locale() == "ru" else ","
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(
        [
            _("Contact"),
            _("Name"),
            _("E-mail"),
            _("Phone"),
            _("Status"),
            _("Created (UTC)"),
            _("Consent"),
            _("Dialog"),
        ]
    )
    labels = lead_status_labels()
    for lead in rows:
        writer.writerow(
            [
                safe_cell(value)
                for value in (
                    lead.contact,
                    lead.name,
                    lead.email,
                    lead.phone,
                    labels[lead.status],
                    lead.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
                    lead.consent_text,
                    _dialog_cell(lead),
                )
            ]
        )

    today = datetime.now(UTC).strftime("%Y-%m-%d")
    response = Response(BOM + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="leads-{tenant.slug}-{today}.csv"'
    )
    return response


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _dialog_cell(lead: Lead) -> str:
    if lead.dialog_id is None:
        return _("dialog removed") if lead.dialog_removed else ""
    path = url_for("cabinet.dialog", dialog_id=lead.dialog_id)
    return current_settings().base_url + path
