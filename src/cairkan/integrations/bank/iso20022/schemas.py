"""The official ISO 20022 schemas, taken from the packages that ship them.

``sepaxml`` ships ``pain.001.001.09`` (generic ISO 20022, not SEPA's subset) and
``camt053`` ships ``camt.054.001.08``; both are the XSDs ISO's Standards Editor generated.
Only their files are read: neither package is imported (camt053 pulls a web stack in).
No installed package ships ``pain.002.001.10``'s XSD, so status reports are checked by
``reports.py`` element by element instead.

Files are validated by libxml2 (lxml's ``XMLSchema``): measured here, ``xmlschema``
validates about 700 transfers a second, so a day of 100 000 payouts would take over two
minutes, against well under a second for libxml2 on the same XSD. The tests check that
both validators agree on valid and tampered files (tests/test_bank_files_iso.py).
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

from lxml import etree

PAIN_001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
PAIN_002 = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"
CAMT_054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"

_SHIPPED_BY: dict[str, tuple[str, str]] = {
    PAIN_001: ("sepaxml", "schemas/pain.001.001.09.xsd"),
    CAMT_054: ("camt053", "xsd/camt.054.001.08.xsd"),
}


def xsd_path(namespace: str) -> Path:
    """Where the installed package keeps the XSD of ``namespace`` (without importing it)."""
    package, relative = _SHIPPED_BY[namespace]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LookupError(f"package {package} (the {namespace} schema) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise LookupError(f"{package} no longer ships {relative}")
    return path


_compiled = threading.local()  # libxml2 validators are not shared between threads


def schema(namespace: str) -> etree.XMLSchema:
    """The compiled schema of ``namespace``, built once per thread (about 10 ms)."""
    cache: dict[str, etree.XMLSchema] = _compiled.__dict__.setdefault("by_namespace", {})
    if namespace not in cache:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        cache[namespace] = etree.XMLSchema(etree.parse(str(xsd_path(namespace)), parser))
    return cache[namespace]
