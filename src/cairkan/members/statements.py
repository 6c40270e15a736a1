"""A member's JHT statement: the balance year by year, as data, CSV and PDF.

One line per calendar year from the first contribution to the statement's year:
contributions paid in the year (all linked KPJ together, by the day paid, up to
``as_of``), the development return credited for it, and the balance at the end of the
line, less the JHT paid out in the year (withdrawals, PP 46/2015 Art. 22, 26). A year's
return is credited after 31 December, so on ``as_of`` the return of ``as_of``'s own
year (and of any year not credited yet) counts 0; the last line's balance is therefore
``participant_balance`` on ``as_of``. Method: cairkan.jht.balance.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Sum
from django.db.models.functions import ExtractYear
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout
from fpdf.fonts import FontFace

from cairkan.jht.messages import long_date, rupiah
from cairkan.members.models import (
    Contribution,
    Participant,
    ReturnCredit,
    ReturnRate,
    WithdrawalPart,
)

PAID = F("worker_share") + F("employer_share")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class StatementLine:
    year: int
    contributions: int  # rupiah paid in the year, up to the statement's date
    returned: int  # rupiah credited for the year; 0 while not credited
    withdrawn: int  # rupiah paid out in the year (withdrawals), up to the statement's date
    credited: bool  # False: "not credited yet" (the current year, or not run yet)
    rate_percent: Decimal | None  # ReturnRate of the year; None when none is entered
    rate_illustrative: bool  # the rate is a made-up demo value, not an official one
    balance: int  # at the end of the line: previous + contributions + returned - withdrawn


@dataclass(frozen=True, slots=True)
class Statement:
    full_name: str
    nik: str
    kpjs: tuple[str, ...]
    as_of: date
    lines: tuple[StatementLine, ...]

    @property
    def final_balance(self) -> int:
        return self.lines[-1].balance if self.lines else 0

    @property
    def has_illustrative_rates(self) -> bool:
        return any(line.rate_illustrative for line in self.lines)


def parse_iso_date(value: str) -> date:
    """``2026-11-23`` → date; anything else (``20261123``, ``2026-02-30``) → ValueError."""
    if not ISO_DATE.fullmatch(value):
        raise ValueError(f"{value!r} is not a date like 2026-11-23")
    return date.fromisoformat(value)  # ValueError for an impossible day


def participant_by_nik(nik: str) -> Participant | None:
    return Participant.objects.filter(nik=nik).first()


def statement_for(*, participant: Participant, as_of: date) -> Statement:
    """The statement on ``as_of``, in five queries whatever the number of years."""
    kpjs = tuple(
        participant.memberships.order_by("start_date", "kpj").values_list("kpj", flat=True)
    )
    paid = dict(
        Contribution.objects.filter(membership__participant=participant, paid_on__lte=as_of)
        .annotate(year=ExtractYear("paid_on"))
        .values("year")
        .annotate(total=Sum(PAID))
        .values_list("year", "total")
    )
    returned = dict(
        ReturnCredit.objects.filter(membership__participant=participant, year__lt=as_of.year)
        .values("year")
        .annotate(total=Sum("amount"))
        .values_list("year", "total")
    )
    withdrawn = dict(
        WithdrawalPart.objects.filter(membership__participant=participant, paid_on__lte=as_of)
        .annotate(year=ExtractYear("paid_on"))
        .values("year")
        .annotate(total=Sum("amount"))
        .values_list("year", "total")
    )
    lines: list[StatementLine] = []
    if paid or returned:
        first = min(paid.keys() | returned.keys() | withdrawn.keys())
        rates = {
            rate.year: rate
            for rate in ReturnRate.objects.filter(year__gte=first, year__lte=as_of.year)
        }
        balance = 0
        for year in range(first, as_of.year + 1):
            contributions = paid.get(year, 0)
            credited = year in returned
            amount = returned.get(year, 0)
            out = withdrawn.get(year, 0)
            balance += contributions + amount - out
            rate = rates.get(year)
            lines.append(
                StatementLine(
                    year=year,
                    contributions=contributions,
                    returned=amount,
                    withdrawn=out,
                    credited=credited,
                    rate_percent=rate.rate_percent if rate else None,
                    rate_illustrative=bool(rate and rate.illustrative),
                    balance=balance,
                )
            )
    return Statement(
        full_name=participant.full_name,
        nik=participant.nik,
        kpjs=kpjs,
        as_of=as_of,
        lines=tuple(lines),
    )


# --- CSV -------------------------------------------------------------------------------

CSV_HEADER = (
    "tahun/year",
    "iuran dibayar/contributions paid",
    "hasil pengembangan/return",
    "status hasil/return status",
    "tingkat hasil %/rate %",
    "tingkat ilustratif/illustrative rate",
    "saldo akhir/closing balance",
    # Last, so readers of the earlier seven columns keep working.
    "penarikan dibayar/withdrawals paid",
)
CREDITED = "dikreditkan/credited"
NOT_CREDITED = "belum dikreditkan/not credited yet"
YES = "ya/yes"


def statement_csv(statement: Statement) -> bytes:
    """One row per year, integer rupiah without separators; UTF-8 with BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for line in statement.lines:
        writer.writerow(
            (
                line.year,
                line.contributions,
                line.returned,
                CREDITED if line.credited else NOT_CREDITED,
                "" if line.rate_percent is None else str(line.rate_percent),
                YES if line.rate_illustrative else "",
                line.balance,
                line.withdrawn,
            )
        )
    return out.getvalue().encode("utf-8-sig")


# --- PDF -------------------------------------------------------------------------------

TITLE = "Rincian Saldo JHT / JHT balance statement"
# The core PDF fonts encode Latin-1 only: typographic punctuation becomes plain ASCII.
PLAIN = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00a0": " ",
        "\u2212": "-",
    }
)


def _latin1(text: str) -> str:
    """Text Helvetica can show: punctuation made plain, other letters without their
    accents when outside Latin-1, and '?' for what is left."""
    return "".join(
        char
        if ord(char) < 256
        else unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
        or "?"
        for char in text.translate(PLAIN)
    )


def _rate(rate: Decimal | None, illustrative: bool, language: str) -> str:
    if rate is None:
        return "-"
    text = f"{rate:.2f}"
    if language == "id":
        text = text.replace(".", ",")
    return f"{text}%" + (" *" if illustrative else "")


def _language(language: str) -> str:
    return "en" if language.lower().startswith("en") else "id"


class _StatementPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(110)
        self.cell(0, 5, f"Cairkan - {TITLE} - {self.page_no()}/{{nb}}", align=Align.C)


def statement_pdf(statement: Statement, language: str) -> bytes:
    """An A4 statement in ``language`` ("id" or "en"), Helvetica only (no font files)."""
    lang = _language(language)
    with translation.override(lang):
        return _render_pdf(statement, lang)


def _render_pdf(statement: Statement, lang: str) -> bytes:
    pdf = _StatementPDF(format="A4")
    pdf.set_lang(lang)
    pdf.set_title(TITLE)
    pdf.set_author("Cairkan")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.epw

    def text(value: str, *, size: float = 10, style: str = "", height: float = 5.5) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(width, height, _latin1(value), new_x="LMARGIN", new_y="NEXT")

    text(TITLE, size=16, style="B", height=8)
    pdf.ln(2)
    on = long_date(statement.as_of, lang)
    kpjs = ", ".join(statement.kpjs) if statement.kpjs else "-"
    text(_("Name: %(name)s") % {"name": statement.full_name}, style="B")
    text(_("NIK: %(nik)s") % {"nik": statement.nik})
    text(_("KPJ numbers: %(kpjs)s") % {"kpjs": kpjs})
    text(_("Statement date: %(date)s") % {"date": on})
    pdf.ln(4)

    not_credited = _("not credited yet")
    rows = [
        (
            _("Year"),
            _("Contributions paid"),
            _("Return credited"),
            _("Paid out"),
            _("Rate"),
            _("Balance at year end"),
        )
    ]
    for line in statement.lines:
        rows.append(
            (
                str(line.year),
                rupiah(line.contributions, lang),
                rupiah(line.returned, lang) if line.credited else not_credited,
                rupiah(line.withdrawn, lang),
                _rate(line.rate_percent, line.rate_illustrative, lang),
                rupiah(line.balance, lang),
            )
        )
    pdf.set_font("Helvetica", size=9)
    with pdf.table(
        width=width,
        col_widths=(12, 24, 24, 22, 14, 26),
        text_align=(Align.C, Align.R, Align.R, Align.R, Align.R, Align.R),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 240)),
        line_height=5,
        padding=(0.6, 1.5),
    ) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(_latin1(value))
    pdf.ln(4)
    final = rupiah(statement.final_balance, lang)
    text(
        _("Balance on %(date)s: %(amount)s") % {"date": on, "amount": final},
        size=12,
        style="B",
        height=7,
    )
    pdf.ln(4)
    notes = [
        _(
            "How the balance grows: the development return is credited once a year, at the "
            "end of the year, at that year's rate. The balance at the start of the year earns "
            "the full rate; a contribution paid in month m earns (12 - m)/12 of it (paid in "
            "January 11/12, in December nothing that year). Each year's return is rounded "
            "down to the rupiah."
        ),
        _(
            "The return of the current year is credited after 31 December; until then it "
            "shows as not credited yet and counts 0 in the balance."
        ),
    ]
    if statement.has_illustrative_rates:
        notes.append(
            _(
                "* Rates marked with an asterisk are illustrative values in demo data, not "
                "official rates of BPJS Ketenagakerjaan."
            )
        )
    notes.append(
        _("Cairkan is open-source software. It is not an official BPJS Ketenagakerjaan service.")
    )
    pdf.set_text_color(60)
    for note in notes:
        text(note, size=8, height=4)
        pdf.ln(1)
    return bytes(pdf.output())
