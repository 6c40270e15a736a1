"""The bukti potong: the withholding slip for the income tax withheld from a paid JHT claim.

BPJS Ketenagakerjaan withholds the tax when it pays (PP 68/2009 for the final tax on a lump
sum; UU PPh Art. 17 for payments in the third calendar year or later) and gives the member
a slip for their own tax return. One slip per paid claim; its number comes from the
withdrawal ledger row the payment wrote, so it is unique and the same on every download.

The slip is in Bahasa Indonesia (a tax document for an Indonesian tax return), rendered
with fpdf2's core Helvetica font like the JHT statement (no font files, no network).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout
from fpdf.fonts import FontFace

from cairkan.claims.messages import REASON_LABELS
from cairkan.claims.models import Claim, Status
from cairkan.jht.messages import long_date, rupiah
from cairkan.jht.withholding import (
    FINAL,
    Withholding,
    withholding,
    within_final_window,
)
from cairkan.members.models import Withdrawal
from cairkan.members.statements import _latin1 as latin1

LANG = "id"


@dataclass(frozen=True, slots=True)
class TaxSlip:
    number: str
    withholder_name: str
    withholder_npwp: str
    full_name: str
    nik: str
    npwp: str  # the member's; "" when they gave none
    claim_reference: str
    reason: str  # claim reason code
    paid_on: date
    gross: int
    tax: int
    net: int
    # The bands behind ``tax``; None when today's parameters cannot re-derive the amount
    # withheld (then the slip shows the total only, never lines that disagree with it).
    detail: Withholding | None


def slip_number(withdrawal: Withdrawal) -> str:
    """Unique per payment: the ledger row's id under its payment month."""
    return f"BP-JHT/{withdrawal.paid_on:%Y}/{withdrawal.paid_on:%m}/{withdrawal.pk:08d}"


def _detail(claim: Claim, withdrawal: Withdrawal) -> Withholding | None:
    """Re-derive the bands from the payments before this one (the paid history the rules
    read at submission: one claim is open at a time, so nothing was paid in between)."""
    history = list(
        Withdrawal.objects.filter(participant_id=claim.participant_id)
        .filter(
            Q(paid_on__lt=withdrawal.paid_on) | Q(paid_on=withdrawal.paid_on, pk__lt=withdrawal.pk)
        )
        .order_by("paid_on", "pk")
        .values_list("paid_on", "gross")
    )
    decided_on = timezone.localdate(claim.submitted_at)
    first_year = history[0][0].year if history else withdrawal.paid_on.year
    earlier = sum(
        gross
        for paid_on, gross in history
        if within_final_window(paid_in=paid_on.year, first_payment_year=first_year, on=decided_on)
    )
    detail = withholding(
        on=decided_on,
        gross=claim.gross,
        # The rules decide the window from the first payment before this claim.
        earlier_in_window=earlier,
        within_window=not history
        or within_final_window(
            paid_in=decided_on.year, first_payment_year=first_year, on=decided_on
        ),
        has_npwp=bool(claim.npwp),
    )
    return detail if detail.total == claim.tax else None


def tax_slip_for(claim: Claim) -> TaxSlip | None:
    """The slip of a paid claim, or None: not paid, or its payment not in the ledger."""
    if claim.status != Status.PAID:
        return None
    withdrawal = Withdrawal.objects.filter(claim_reference=str(claim.public_id)).first()
    if withdrawal is None:
        return None
    participant = claim.participant
    return TaxSlip(
        number=slip_number(withdrawal),
        withholder_name=settings.CAIRKAN_WITHHOLDER["name"],
        withholder_npwp=settings.CAIRKAN_WITHHOLDER["npwp"],
        full_name=participant.full_name,
        nik=participant.nik,
        npwp=claim.npwp,
        claim_reference=str(claim.public_id),
        reason=claim.reason,
        paid_on=withdrawal.paid_on,
        gross=claim.gross,
        tax=claim.tax,
        net=claim.net,
        detail=_detail(claim, withdrawal),
    )


# --- PDF -------------------------------------------------------------------------------


def _percent(points: int) -> str:
    whole, rest = divmod(points, 100)
    return f"{whole}%" if not rest else f"{whole},{rest:02d}".rstrip("0") + "%"


def _band(lower: int, upper: int | None) -> str:
    if upper is None:
        return _("above %(lower)s") % {"lower": rupiah(lower, LANG)}
    return f"{rupiah(lower, LANG)} - {rupiah(upper, LANG)}"


class _SlipPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110)
        self.cell(0, 5, latin1(_("Cairkan - JHT withholding slip")), align=Align.C)


def tax_slip_pdf(slip: TaxSlip) -> bytes:
    """An A4 slip in Bahasa Indonesia."""
    with translation.override(LANG):
        return _render(slip)


def _render(slip: TaxSlip) -> bytes:
    title = _("Withholding slip: income tax on a JHT payment")
    pdf = _SlipPDF(format="A4")
    pdf.set_lang(LANG)
    pdf.set_title(latin1(title))
    pdf.set_author("Cairkan")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.epw

    def text(value: str, *, size: float = 10, style: str = "", height: float = 5.5) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(width, height, latin1(value), new_x="LMARGIN", new_y="NEXT")

    def pairs(rows: list[tuple[str, str]]) -> None:
        pdf.set_font("Helvetica", size=10)
        with pdf.table(
            width=width,
            col_widths=(40, 60),
            borders_layout=TableBordersLayout.NONE,
            first_row_as_headings=False,
            line_height=5.5,
            padding=(0.4, 1),
        ) as table:
            for label, value in rows:
                row = table.row()
                row.cell(latin1(label))
                row.cell(latin1(value))

    text(title, size=15, style="B", height=8)
    text(_("Slip number: %(number)s") % {"number": slip.number}, style="B")
    pdf.ln(3)
    text(_("Withholder"), size=11, style="B")
    pairs(
        [
            (_("Name"), slip.withholder_name),
            (_("NPWP"), slip.withholder_npwp or "-"),
        ]
    )
    pdf.ln(3)
    text(_("Recipient"), size=11, style="B")
    pairs(
        [
            (_("Name"), slip.full_name),
            (_("NIK"), slip.nik),
            (_("NPWP"), slip.npwp or _("none given")),
        ]
    )
    pdf.ln(3)
    text(_("Payment"), size=11, style="B")
    pairs(
        [
            (_("Benefit"), _("Jaminan Hari Tua (JHT)")),
            (_("Reason"), str(REASON_LABELS.get(slip.reason, slip.reason))),
            (_("Claim"), slip.claim_reference),
            (_("Payment date"), long_date(slip.paid_on, LANG)),
            (_("Gross amount"), rupiah(slip.gross, LANG)),
        ]
    )
    pdf.ln(3)
    detail = slip.detail
    if detail is not None:
        if detail.regime == FINAL:
            text(
                _(
                    "Final income tax on a lump-sum JHT payment (PP 68/2009). Payments in "
                    "the first two calendar years are added up; earlier payments in this "
                    "band: %(earlier)s."
                )
                % {"earlier": rupiah(detail.earlier_in_window, LANG)},
                size=9,
                height=4.5,
            )
        else:
            text(
                _(
                    "Income tax at the rates of Article 17(1)(a) of the Income Tax Law "
                    "(UU 7/2021): a payment in the third calendar year or later."
                ),
                size=9,
                height=4.5,
            )
        pdf.ln(1)
        rows = [(_("Tax band"), _("Tax rate"), _("Base"), _("Tax"))]
        rows += [
            (
                _band(band.lower, band.upper),
                _percent(band.rate_basis_points),
                rupiah(band.base, LANG),
                rupiah(band.tax, LANG),
            )
            for band in detail.bands
        ]
        if detail.rounding:
            rows.append((_("Rounding of the lump sum"), "", "", rupiah(detail.rounding, LANG)))
        if detail.surcharge:
            rows.append(
                (
                    _("Without NPWP (Article 21(5a))"),
                    "+" + _percent(detail.surcharge_basis_points),
                    "",
                    rupiah(detail.surcharge, LANG),
                )
            )
        pdf.set_font("Helvetica", size=9)
        with pdf.table(
            width=width,
            col_widths=(40, 14, 24, 24),
            text_align=(Align.L, Align.R, Align.R, Align.R),
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 240)),
            line_height=5,
            padding=(0.6, 1.5),
        ) as table:
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(latin1(value))
        pdf.ln(3)
    pairs(
        [
            (_("Tax withheld"), rupiah(slip.tax, LANG)),
            (_("Net amount paid"), rupiah(slip.net, LANG)),
        ]
    )
    pdf.ln(4)
    regulation = detail.regulation if detail is not None else "PP 68/2009"
    pdf.set_text_color(60)
    text(
        _("Legal basis: %(regulation)s. Tax is rounded down to the rupiah.")
        % {"regulation": regulation},
        size=8,
        height=4,
    )
    text(
        _(
            "Keep this slip for your annual tax return. Cairkan is open-source software; it "
            "is not an official BPJS Ketenagakerjaan service."
        ),
        size=8,
        height=4,
    )
    return bytes(pdf.output())
