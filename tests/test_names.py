import pytest

from cairkan.members.names import compare_names, normalize_name


@pytest.mark.parametrize(
    ("a", "b", "same", "exact"),
    [
        ("Rina Maulida", "RINA MAULIDA", True, True),
        ("Rina  Maulida", "rina maulida", True, True),
        ("Muhammad Arsyad", "Muhamad Arsyad", True, False),
        ("Muhammad Arsyad", "M. ARSYAD", True, False),
        ("Hj. Siti Aminah", "Siti Aminah", True, False),
        ("Nor Hidayah", "Noor Hidayah", True, False),
        ("Nurhidayah", "Nur Hidayah", True, False),
        ("Rusdiansyah", "Rusdiyansyah", True, False),
        ("Siti Aminah", "Sari Wahyuni", False, False),
        ("Bahrudin", "Sari Wahyuni", False, False),
        ("Ahmad Fauzi", "Ahmad Fauzan Hakim", False, False),
        ("", "Rina", False, False),
    ],
)
def test_compare_names(a: str, b: str, same: bool, exact: bool) -> None:
    result = compare_names(a, b)
    assert (result.same, result.exact) == (same, exact)


def test_normalize_drops_titles_and_punctuation() -> None:
    assert normalize_name("H. M. Jumberi, S.Pd.") == "muhammad jumberi"
