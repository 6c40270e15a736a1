"""The docs say what is: checked against the code, so they fail when either drifts."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from cairkan.claims import services as claim_services
from cairkan.demo.personas import personas

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PACKAGE = ROOT / "src" / "cairkan"


def test_every_named_persona_can_register_from_demo_data_md() -> None:
    """Registration asks for name, NIK, KPJ, birth date and mother's maiden name."""
    text = (DOCS / "demo-data.md").read_text()
    rows = {
        cells[1]: cells
        for line in text.splitlines()
        if line.startswith("| ")
        and len(cells := [cell.strip() for cell in line.strip("|").split("|")]) > 4
    }
    for person in personas(date(2026, 11, 23)):
        row = rows.get(person.nik)
        assert row is not None, f"{person.full_name} ({person.nik}) is not in demo-data.md"
        assert row[0] == person.full_name
        assert row[2].startswith(person.memberships[0].kpj), person.full_name
        assert row[3] == person.birth_date.isoformat(), person.full_name
        assert row[4] == person.mother_maiden_name, person.full_name


def test_the_architecture_page_lists_the_packages_as_they_are() -> None:
    text = (DOCS / "architecture.md").read_text()
    table = text.split("## The parts", 1)[1].split("\n\n", 2)[1]
    listed = set(re.findall(r"^\| `cairkan\.(\w+)` \|", table, flags=re.MULTILINE))
    packages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")} | {
        path.stem for path in PACKAGE.glob("*.py") if not path.stem.startswith("__")
    }
    assert listed == packages
    assert "planned" not in table
    # Where the claim's state changes live, named as the code names them.
    assert hasattr(claim_services, "claim_transition") and hasattr(claim_services, "TRANSITIONS")
    assert "`claim_transition`" in text and "`TRANSITIONS`" in text


def test_links_in_the_readme_and_docs_stay_inside_the_repository() -> None:
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        text = page.read_text()
        assert "../shared" not in text, page.name
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if target.startswith(("http://", "https://")):
                continue
            resolved = (page.parent / target).resolve()
            assert resolved.is_relative_to(ROOT), f"{page.name} links outside: {target}"
            assert resolved.exists(), f"{page.name} links to a missing {target}"
