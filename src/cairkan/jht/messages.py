"""What each refusal means for the member, and what to do, in Bahasa Indonesia and English.

``cairkan.jht`` carries no Django, so its two languages live here rather than in the
Django catalogue; the web layer picks the member's language.
"""

from __future__ import annotations

from datetime import date

MONTHS = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
LANGUAGES = ("id", "en")


def long_date(day: date, language: str) -> str:
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"


def rupiah(amount: int, language: str) -> str:
    grouped = f"{amount:,}"
    return "Rp " + (grouped.replace(",", ".") if language == "id" else grouped)


REFUSALS: dict[str, dict[str, str]] = {
    "waiting_period": {
        "id": "Klaim karena berhenti bekerja baru bisa diajukan satu bulan setelah tanggal "
        "berhenti. Anda bisa mengajukan mulai {date}.",
        "en": "A claim after leaving a job can be filed one month after the last day of "
        "work. You can file from {date}.",
    },
    "membership_active": {
        "id": "Kepesertaan Anda masih tercatat aktif karena perusahaan belum melaporkan "
        "bahwa Anda berhenti. Minta bagian HRD perusahaan melapor ke BPJS "
        "Ketenagakerjaan agar status Anda menjadi nonaktif, lalu ajukan lagi.",
        "en": "Your membership is still recorded as active because your employer has not "
        "reported that you left. Ask the employer's HR to report it to BPJS "
        "Ketenagakerjaan so your status becomes non-active, then file again.",
    },
    "under_retirement_age": {
        "id": "Klaim pensiun bisa diajukan setelah Anda berusia {age} tahun, yaitu mulai {date}.",
        "en": "A retirement claim can be filed once you are {age}, that is from {date}.",
    },
    "membership_too_short": {
        "id": "Pencairan sebagian (10% atau 30%) perlu kepesertaan paling sedikit 10 tahun. "
        "Anda bisa mengajukan mulai {date}.",
        "en": "A partial withdrawal (10% or 30%) needs at least 10 years of membership. "
        "You can file from {date}.",
    },
    "partial_already_taken": {
        "id": "Pencairan sebagian hanya boleh satu kali, 10% atau 30%, dan Anda sudah pernah "
        "mengambilnya. Sisa saldo bisa dicairkan saat berhenti bekerja atau pensiun.",
        "en": "A partial withdrawal is allowed once, 10% or 30%, and you have already had "
        "one. The rest can be claimed when you leave your job or retire.",
    },
    "npwp_missing": {
        "id": "Saldo Anda lebih dari {threshold}, jadi klaim memerlukan NPWP. Daftarkan NPWP "
        "di kantor pajak atau secara daring, lalu ajukan lagi.",
        "en": "Your balance is above {threshold}, so the claim needs a tax number (NPWP). "
        "Register for one at the tax office or online, then file again.",
    },
    "no_balance": {
        "id": "Saldo JHT Anda Rp 0, jadi tidak ada yang bisa dicairkan. Jika menurut Anda ini "
        "keliru, hubungi kantor cabang BPJS Ketenagakerjaan.",
        "en": "Your JHT balance is Rp 0, so there is nothing to pay. If you think this is "
        "wrong, contact a BPJS Ketenagakerjaan branch office.",
    },
}
