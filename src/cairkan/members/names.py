"""Are two spellings of a name the same person's? Tolerant, and says how it decided.

Registry, employer and bank spell names differently: capitals, titles (H., Hj., Drs.),
"M." for Muhammad, Nor/Noor, joined or split words, a doubled letter. A small difference
is tolerated and shown to the member; a different name is not.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

# Honorifics and degrees that are not part of the name itself.
TITLES = {
    "h",
    "hj",
    "haji",
    "hajjah",
    "drs",
    "dra",
    "dr",
    "ir",
    "prof",
    "st",
    "se",
    "sh",
    "spd",
    "skom",
    "amd",
    "mm",
    "mba",
    "msi",
    "ners",
    "bpk",
    "bapak",
    "ibu",
    "sdr",
    "sdri",
}
# Common abbreviations of first names, expanded before comparing.
ABBREVIATIONS = {
    "m": "muhammad",
    "moh": "muhammad",
    "muh": "muhammad",
    "mhd": "muhammad",
    "abd": "abdul",
    "nur": "nor",
    "noor": "nor",
    "achmad": "ahmad",
    "akhmad": "ahmad",
    "muhamad": "muhammad",
    "mohammad": "muhammad",
    "mohamad": "muhammad",
}
TOLERATED_SCORE = 88.0  # rapidfuzz token-set ratio, 0-100


@dataclass(frozen=True, slots=True)
class NameMatch:
    same: bool  # close enough to be the same person's name
    exact: bool  # identical once capitals, spacing and punctuation are ignored
    score: float


def normalize_name(name: str) -> str:
    # Degrees follow a comma ("Jumberi, S.Pd."): the name is what comes before it.
    name = name.split(",", 1)[0]
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = [w for w in re.split(r"[^a-z]+", text) if w]
    words = [ABBREVIATIONS.get(w, w) for w in words if w not in TITLES]
    return " ".join(words)


def compare_names(a: str, b: str) -> NameMatch:
    left, right = normalize_name(a), normalize_name(b)
    if not left or not right:
        return NameMatch(False, False, 0.0)
    if left == right:
        return NameMatch(
            True, " ".join(a.casefold().split()) == " ".join(b.casefold().split()), 100.0
        )
    # "Nurhidayah" and "Nur Hidayah" differ only in a space.
    joined_left, joined_right = left.replace(" ", ""), right.replace(" ", "")
    score = max(
        fuzz.token_sort_ratio(left, right),
        fuzz.ratio(left, right),
        fuzz.ratio(joined_left, joined_right),
    )
    return NameMatch(score >= TOLERATED_SCORE, False, float(score))
