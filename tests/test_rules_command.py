"""`cairkan rules decide` honours its contract: JSON in, JSON out, clear errors, exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

CAIRKAN = str(Path(__file__).resolve().parent.parent / ".venv" / "bin" / "cairkan")
CASE: dict[str, Any] = {
    "as_of": "2026-11-23",
    "reason": "resignation",
    "birth_date": "1997-08-21",
    "retirement_age": None,
    "membership_start": "2023-09-01",
    "membership_active": False,
    "separation_date": "2026-11-01",
    "balance": 7_500_000,
    "has_npwp": False,
    "prior_payouts": [],
}


def run(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CAIRKAN, "rules", "decide", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"CAIRKAN_ENV": "test", "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture(scope="module")
def decided() -> subprocess.CompletedProcess[str]:
    return run(json.dumps([CASE, {**CASE, "separation_date": "2026-10-23"}]))


def test_a_list_in_gives_a_list_out_in_order(decided) -> None:
    assert decided.returncode == 0, decided.stderr
    waiting, eligible = json.loads(decided.stdout)
    assert waiting["eligible"] is False
    assert waiting["refusals"] == ["waiting_period"]
    assert waiting["eligible_from"] == "2026-12-01"
    assert "1 Desember 2026" in waiting["explanations"]["waiting_period"]["id"]
    assert "1 December 2026" in waiting["explanations"]["waiting_period"]["en"]
    assert eligible == {
        "eligible": True,
        "refusals": [],
        "eligible_from": None,
        "gross": 7_500_000,
        "tax": 0,
        "net": 7_500_000,
        "channels": ["app", "online_assisted", "branch"],
        "documents": ["ektp", "kpj_card", "bank_account", "resignation_statement"],
        "payment_within_working_days": 1,
        "explanations": {},
    }


def test_an_object_in_gives_an_object_out() -> None:
    result = run(json.dumps(CASE), "--indent", "2")
    assert result.returncode == 0
    assert json.loads(result.stdout)["refusals"] == ["waiting_period"]
    assert result.stdout.startswith("{\n  ")


@pytest.mark.parametrize(
    ("stdin", "fragment"),
    [
        ("", "stdin is empty"),
        ('{"as_of": ', "not valid JSON"),
        (json.dumps({**CASE, "reason": "fired"}), "reason: unknown reason 'fired'"),
        (json.dumps([CASE, {**CASE, "balance": "lots"}]), "[1].balance: must be a whole number"),
        (
            json.dumps({k: v for k, v in CASE.items() if k != "birth_date"}),
            "birth_date: is missing",
        ),
    ],
)
def test_bad_input_is_a_clear_message_and_a_nonzero_exit(stdin: str, fragment: str) -> None:
    result = run(stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
