"""Members read Bahasa Indonesia first: every message must have its translation."""

from __future__ import annotations

import gettext
from pathlib import Path

import polib
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

import cairkan
from cairkan.members.identifiers import parse_nik

LOCALE = Path(cairkan.__file__).parent / "locale"


def test_every_indonesian_message_is_translated_and_not_fuzzy() -> None:
    po = polib.pofile(str(LOCALE / "id/LC_MESSAGES/django.po"))
    assert len(po) > 50
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_compiled_catalogue_matches_the_source() -> None:
    po = polib.pofile(str(LOCALE / "id/LC_MESSAGES/django.po"))
    with (LOCALE / "id/LC_MESSAGES/django.mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)

    def compiled(entry: polib.POEntry) -> str:
        if entry.msgid_plural:  # Indonesian has one plural form
            return mo.ngettext(entry.msgid, entry.msgid_plural, 1)
        return mo.gettext(entry.msgid)

    def source(entry: polib.POEntry) -> str:
        return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr

    stale = [e.msgid for e in po if compiled(e) != source(e)]
    assert stale == [], "run `make messages` to recompile the catalogue"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "NIK harus 16 angka; Anda mengisi 15 angka."),
        ("en", "NIK must be 16 digits; you entered 15."),
    ],
)
def test_validation_messages_follow_the_language(language: str, expected: str) -> None:
    with translation.override(language):
        with pytest.raises(ValidationError) as error:
            parse_nik("630805520489000")
        assert error.value.messages == [expected]  # lazy: rendered in the active language
