"""A bank file is recorded once: the same bytes, or its message id again, change nothing."""

from __future__ import annotations

import pytest

from bank_files import Row, pain002
from cairkan.integrations.models import BankFile
from cairkan.integrations.selectors import bank_file_with_content
from cairkan.integrations.services import BankFileSeen, bank_file_record

pytestmark = pytest.mark.django_db


def _record(content: bytes, message_id: str = "BRI-PSR-0001") -> BankFile:
    return bank_file_record(
        kind="pain.002", bank_code="002", message_id=message_id, content=content, transfers=1
    )


def test_the_same_file_twice_is_seen_and_not_recorded_again() -> None:
    content = pain002([Row("R1", "ACSC")])
    first = _record(content)
    assert bank_file_with_content(content) == first
    with pytest.raises(BankFileSeen) as seen:
        _record(content)
    assert seen.value.existing == first
    assert seen.value.same_content
    assert BankFile.objects.count() == 1


def test_a_message_id_again_with_other_content_is_seen_as_suspicious() -> None:
    _record(pain002([Row("R1", "ACSC")]))
    changed = pain002([Row("R1", "RJCT", "AC04")])  # same message id, other news
    assert bank_file_with_content(changed) is None
    with pytest.raises(BankFileSeen) as seen:
        _record(changed)
    assert not seen.value.same_content
    assert "message id" in str(seen.value)
    assert BankFile.objects.count() == 1


def test_another_bank_may_use_the_same_message_id() -> None:
    content = pain002([Row("R1", "ACSC")])
    _record(content)
    bank_file_record(
        kind="pain.002",
        bank_code="009",
        message_id="BRI-PSR-0001",
        content=content + b"\n",
    )
    assert BankFile.objects.count() == 2
