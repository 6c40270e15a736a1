"""Reference lists the demo population is drawn from.

Demo data only. Names are common Banjar and Indonesian Muslim names; employers are
invented; wage floors and return rates are approximate or illustrative as marked —
never use them for a real decision.
"""

from __future__ import annotations

from decimal import Decimal

REGENCY = "63.08"  # Kabupaten Hulu Sungai Utara, Kalimantan Selatan (province 63)

# District codes of Hulu Sungai Utara (63.08.01–10) with a rough share of the workforce.
# The code-to-name pairing follows Kemendagri's regional code list as we read it; check it
# against the current Kepmendagri before relying on it outside demo data.
DISTRICTS: dict[str, tuple[str, int]] = {
    "63.08.01": ("Danau Panggang", 7),
    "63.08.02": ("Babirik", 7),
    "63.08.03": ("Sungai Pandan", 11),
    "63.08.04": ("Amuntai Selatan", 12),
    "63.08.05": ("Amuntai Tengah", 25),
    "63.08.06": ("Amuntai Utara", 11),
    "63.08.07": ("Banjang", 7),
    "63.08.08": ("Haur Gading", 7),
    "63.08.09": ("Paminggir", 3),
    "63.08.10": ("Sungai Tabukan", 10),
}

VILLAGES: dict[str, tuple[str, ...]] = {
    "63.08.01": ("Danau Panggang", "Sapala", "Pararain", "Bitin"),
    "63.08.02": ("Babirik Hilir", "Babirik Hulu", "Hulu Sungai", "Murung Panti"),
    "63.08.03": ("Alabio", "Pasar Senin", "Teluk Betung", "Sungai Pandan Hilir"),
    "63.08.04": ("Telaga Silaba", "Padang Basar", "Cempaka", "Simpang Empat"),
    "63.08.05": ("Sungai Karias", "Palampitan Hulu", "Palampitan Hilir", "Murung Sari", "Antasari"),
    "63.08.06": ("Tambalangan", "Pakacangan", "Kota Raden Hulu", "Sungai Turak"),
    "63.08.07": ("Banjang", "Pawalutan", "Kaludan Besar", "Sungai Limas"),
    "63.08.08": ("Haur Gading", "Palimbang Sari", "Bayur", "Tuhuran"),
    "63.08.09": ("Paminggir", "Tampakang", "Sapala Seberang"),
    "63.08.10": ("Sungai Tabukan", "Nelayan", "Pasar Sabtu", "Rantau Bujur"),
}

STREETS = (
    "Jl. Norman Umar",
    "Jl. A. Yani",
    "Jl. Basuki Rahmat",
    "Jl. Pahlawan",
    "Jl. Empu Jatmika",
    "Jl. Batung Batulis",
    "Jl. Kenanga",
    "Jl. Padat Karya",
    "Jl. Pambalah Batung",
    "Jl. Abdul Aziz",
    "Jl. Lingkar Utara",
    "Gg. Harapan",
    "Gg. Masjid",
)

BIRTHPLACES = (
    ("Amuntai", 60),
    ("Alabio", 10),
    ("Kandangan", 5),
    ("Barabai", 6),
    ("Tanjung", 4),
    ("Banjarmasin", 8),
    ("Martapura", 3),
    ("Kelua", 2),
    ("Paringin", 2),
)

# Other places a member's NIK may have been issued (people who moved in).
OTHER_REGENCIES = ("63.01", "63.03", "63.06", "63.07", "63.09", "63.71", "63.72")

MALE_FIRST = (
    "Muhammad",
    "Ahmad",
    "Abdul",
    "Rahmat",
    "Fauzi",
    "Rizky",
    "Arsyad",
    "Bahrudin",
    "Rusdi",
    "Jumberi",
    "Saberi",
    "Syahrani",
    "Hamdani",
    "Zainal",
    "Gazali",
    "Mahyudin",
    "Firdaus",
    "Taufik",
    "Hairil",
    "Akhmad",
    "Irfan",
    "Syarifuddin",
    "Abdurrahman",
    "Fahmi",
    "Norhadi",
    "Ridwan",
    "Yusran",
    "Hasan",
    "Husin",
    "Anwar",
)
FEMALE_FIRST = (
    "Siti",
    "Nor",
    "Rahmah",
    "Fitriani",
    "Aisyah",
    "Mahmudah",
    "Masitah",
    "Saupiah",
    "Hidayah",
    "Rina",
    "Nurul",
    "Hayati",
    "Salasiah",
    "Rabiatul",
    "Husnul",
    "Norliani",
    "Wahyuni",
    "Lailatul",
    "Mariani",
    "Jamilah",
    "Rusmini",
    "Halimah",
    "Sari",
    "Yuliani",
)
MALE_SECOND = (
    "Rizani",
    "Ramadhan",
    "Hidayat",
    "Fahrurrazi",
    "Saputra",
    "Rahman",
    "Hakim",
    "Arifin",
    "Syahrian",
    "Maulana",
    "Effendi",
    "Iskandar",
    "Wahyudi",
    "Ansyari",
    "Noor",
    "Yusuf",
    "Mubarak",
    "Habibi",
    "Hamidi",
    "Kurniawan",
    "Rusdiansyah",
    "Fadillah",
)
FEMALE_SECOND = (
    "Aminah",
    "Hidayah",
    "Maulida",
    "Rahmawati",
    "Khairunnisa",
    "Zahra",
    "Fatimah",
    "Jannah",
    "Safitri",
    "Hasanah",
    "Wahyuni",
    "Aulia",
    "Rahmi",
    "Rosyida",
    "Ulfah",
    "Sholihah",
    "Mardiana",
    "Azizah",
    "Nafisah",
)

# Small spelling differences the registry and the employer's records really disagree on.
SPELLING_VARIANTS: dict[str, tuple[str, ...]] = {
    "Muhammad": ("Muhamad", "Mohammad", "Muhammmad", "M."),
    "Ahmad": ("Achmad", "Akhmad"),
    "Akhmad": ("Ahmad",),
    "Abdurrahman": ("Abdul Rahman", "Abdurahman"),
    "Syarifuddin": ("Syarifudin", "Sarifuddin"),
    "Nor": ("Noor", "Nur"),
    "Noor": ("Nor",),
    "Siti": ("Sity",),
    "Rizky": ("Rizki", "Risky"),
    "Hidayah": ("Hidayat",),
    "Fitriani": ("Fitriyani",),
    "Norliani": ("Nor Liani",),
    "Rusdiansyah": ("Rusdiyansyah",),
}

EMPLOYER_FORMS = (("CV", 40), ("PT", 25), ("UD", 15), ("Koperasi", 10), ("Yayasan", 6), ("BPR", 4))
SECTORS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("Peternakan itik", ("Itik Alabio", "Unggas Rawa", "Telur Asin"), 14),
    ("Perkebunan karet", ("Karet", "Getah Borneo"), 12),
    ("Kerajinan purun dan rotan", ("Purun", "Anyaman", "Rotan Banua"), 10),
    ("Perdagangan", ("Niaga", "Toko", "Grosir"), 16),
    ("Penggilingan padi", ("Beras", "Penggilingan"), 8),
    ("Konstruksi", ("Konstruksi", "Bangun", "Karya"), 10),
    ("Perikanan rawa", ("Ikan Rawa", "Mina"), 6),
    ("Angkutan", ("Transportasi", "Angkutan", "Kelotok"), 7),
    ("Kesehatan", ("Klinik", "Apotek"), 5),
    ("Pendidikan", ("Pendidikan", "Sekolah"), 6),
    ("Keuangan", ("Simpan Pinjam", "Kredit"), 4),
    ("Perkebunan sawit", ("Sawit",), 2),
)
EMPLOYER_WORDS = (
    "Banua",
    "Amuntai",
    "Tabalong",
    "Balangan",
    "Sejahtera",
    "Makmur",
    "Jaya",
    "Mandiri",
    "Lestari",
    "Bersama",
    "Berkah",
    "Barokah",
    "Harapan",
    "Sentosa",
    "Utama",
    "Abadi",
)

# Approximate minimum wage of Kalimantan Selatan (UMP), rupiah per month. The regency
# follows the provincial minimum. 2015–2025 are close to the published figures, earlier
# years are modelled back at 8% a year, 2026 is an estimate: DEMO DATA ONLY.
_UMP_PUBLISHED: dict[int, int] = {
    2015: 1_870_000,
    2016: 2_085_050,
    2017: 2_258_000,
    2018: 2_454_671,
    2019: 2_651_781,
    2020: 2_877_448,
    2021: 2_877_448,
    2022: 2_906_473,
    2023: 3_149_977,
    2024: 3_282_812,
    2025: 3_496_194,
    2026: 3_725_000,
}


def wage_floor(year: int) -> int:
    if year in _UMP_PUBLISHED:
        return _UMP_PUBLISHED[year]
    if year > 2026:
        return _UMP_PUBLISHED[2026]
    return int(_UMP_PUBLISHED[2015] / (Decimal("1.08") ** (2015 - year)))


# Development-return rates. 2016 and 2020 are credited rates reported publicly (domain
# reference, "Money"); every other year is ILLUSTRATIVE, shaped like Indonesian deposit
# rates, so that demo balances grow plausibly. An operator replaces them with real ones.
KNOWN_RETURN_RATES: dict[int, str] = {2016: "7.19", 2020: "5.63"}
ILLUSTRATIVE_RETURN_RATES: dict[int, str] = {
    1990: "14.00",
    1991: "14.50",
    1992: "13.50",
    1993: "12.00",
    1994: "11.50",
    1995: "11.00",
    1996: "12.50",
    1997: "13.00",
    1998: "14.00",
    1999: "12.00",
    2000: "11.50",
    2001: "12.00",
    2002: "11.00",
    2003: "9.50",
    2004: "8.00",
    2005: "8.50",
    2006: "10.00",
    2007: "9.00",
    2008: "9.50",
    2009: "8.50",
    2010: "8.00",
    2011: "8.50",
    2012: "7.50",
    2013: "7.00",
    2014: "8.25",
    2015: "7.50",
    2017: "6.80",
    2018: "6.20",
    2019: "6.00",
    2021: "5.25",
    2022: "5.00",
    2023: "5.60",
    2024: "5.70",
    2025: "5.55",
}

# Banks members of the regency use, with a rough share and their account-number length.
BANK_SHARES: tuple[tuple[str, int, int], ...] = (
    ("002", 35, 15),  # BRI
    ("122", 20, 10),  # Bank Kalsel
    ("451", 15, 10),  # BSI
    ("008", 12, 13),  # Mandiri
    ("009", 10, 10),  # BNI
    ("014", 8, 10),  # BCA
)
