"""The OpenFisca YAML tests of the JHT model (src/cairkan/jht/tests), one pytest test per file.

``openfisca_core.tools.test_runner.run_tests`` starts a pytest session of its own
(``pytest.main`` with its ``OpenFiscaPlugin``), which must not be nested in this one. So the
pieces that plugin hands to pytest are used directly: ``YamlFile.collect()`` parses a file
into ``YamlItem``s, and ``YamlItem.runtest()`` builds the simulation from the test's
``input`` and ``period`` and checks every ``output`` -- exactly what ``run_tests`` runs for
each test, in this process, against ``cairkan.jht.system.system()``.

One change to OpenFisca's checks: its ``assert_near`` compares numbers as float32, exact only
up to 2**24 (about Rp 16.7 juta), so it would accept 50 000 000 for an expected 50 000 001.
Money in the model is whole rupiah in int64, so integer outputs are compared exactly here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from openfisca_core.tools import test_runner

import cairkan.jht
from cairkan.jht.system import system

YAML_DIR = Path(cairkan.jht.__file__).parent / "tests"
YAML_FILES = sorted(YAML_DIR.glob("*.yaml"))
EXPECTED_FILES = {
    "waiting_period.yaml",
    "membership_active.yaml",
    "retirement_age.yaml",
    "partial.yaml",
    "app_limit.yaml",
    "npwp.yaml",
    "final_tax.yaml",
    "progressive_tax.yaml",
    "documents.yaml",
    "eligibility.yaml",
}
# A test's description names the rule it checks: a regulation, an article, or the policy /
# domain decision behind a parameter.
REFERENCE_MARKERS = ("PP ", "Permenaker", "UU ", "Art.", "BPJS", "domain")

_openfisca_assert_near = test_runner.assert_near


def _is_integer_target(target: Any) -> bool:
    values = target if isinstance(target, list) else [target]
    return bool(values) and all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) for v in values
    )


def exact_assert_near(
    value: Any,
    target_value: Any,
    absolute_error_margin: float | None = None,
    message: str = "",
    relative_error_margin: float | None = None,
) -> None:
    """OpenFisca's ``assert_near``, but integer results against integer expectations must be
    equal exactly (no float32 rounding). Everything else goes to OpenFisca's own check."""
    actual = np.asarray(value)
    if (
        actual.dtype.kind in "iu"
        and not absolute_error_margin
        and relative_error_margin is None
        and _is_integer_target(target_value)
    ):
        expected = np.asarray(target_value, dtype=np.int64)
        # Raised, not asserted: pytest would rewrite an assert here into a numpy dump.
        if expected.shape not in ((), actual.shape) or not np.array_equal(
            actual.astype(np.int64), np.broadcast_to(expected, actual.shape)
        ):
            raise AssertionError(f"{message}{actual.tolist()} differs from {expected.tolist()}")
        return
    _openfisca_assert_near(
        value, target_value, absolute_error_margin, message, relative_error_margin
    )


@pytest.fixture
def exact_integers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(test_runner, "assert_near", exact_assert_near)
    yield


def run_yaml_file(path: Path, session: pytest.Session) -> tuple[int, list[str]]:
    """Run every test of one YAML file; return how many ran and the failures' messages."""
    collector = test_runner.YamlFile.from_parent(
        session, path=path, tax_benefit_system=system(), options={}
    )
    items = list(collector.collect())
    failures = []
    for item in items:
        try:
            item.runtest()
        except Exception as error:
            failures.append(f"{item.test.name!r}: {type(error).__name__}: {error}")
    return len(items), failures


def test_every_rule_has_its_yaml_file() -> None:
    missing = EXPECTED_FILES - {path.name for path in YAML_FILES}
    assert not missing, f"no YAML tests for {sorted(missing)}"


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: path.name)
def test_yaml_file(path: Path, request: pytest.FixtureRequest, exact_integers: None) -> None:
    count, failures = run_yaml_file(path, request.session)
    assert count > 0, f"{path.name} holds no test"
    assert not failures, f"{len(failures)} of {count} tests failed:\n" + "\n".join(failures)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: path.name)
def test_yaml_tests_are_named_and_referenced(path: Path) -> None:
    tests = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = [test.get("name") for test in tests]
    assert all(names), f"{path.name}: a test without a name"
    assert len(set(names)) == len(names), f"{path.name}: two tests share a name"
    unreferenced = [
        test["name"]
        for test in tests
        if not any(marker in test.get("description", "") for marker in REFERENCE_MARKERS)
    ]
    assert not unreferenced, f"{path.name}: no regulation named in {unreferenced}"


WRONG = """\
- name: right
  description: PP 68/2009
  period: 2026-11-23
  input: {claim_reason: resignation, separation_date: 2026-09-01, has_npwp: true,
          balance: 150_000_000}
  output: {final_tax: 5_000_000}
- name: wrong flag
  description: Permenaker 4/2022 Art. 8–11
  period: 2026-11-23
  input: {claim_reason: resignation, separation_date: 2026-11-01, balance: 5_000_000}
  output: {refused_waiting_period: false}
- name: one rupiah off above 2**24
  description: PP 68/2009
  period: 2026-11-23
  input: {claim_reason: resignation, separation_date: 2026-09-01, has_npwp: true,
          balance: 150_000_000}
  output: {net: 145_000_001}
"""


def test_the_harness_reports_wrong_expectations(
    tmp_path: Path, request: pytest.FixtureRequest, exact_integers: None
) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text(WRONG, encoding="utf-8")
    count, failures = run_yaml_file(path, request.session)
    assert count == 3
    assert [failure.split(":")[0] for failure in failures] == [
        "'wrong flag'",
        "'one rupiah off above 2**24'",
    ]
    assert "net@2026-11-23: [145000000] differs from 145000001" in failures[1]
