"""The JHT legislation as code: pure rules, no Django.

``decide(case)`` answers one claim; ``decide_many(cases)`` many; ``decide_columns`` is
the vectorised core over numpy columns. The rules themselves are the OpenFisca model in
``variables/`` and ``parameters/``.
"""

from cairkan.jht.cases import Case, FieldError, InvalidCase, PriorPayout, Reason, parse_case
from cairkan.jht.decision import CHANNELS, REFUSAL_CODES, Decision
from cairkan.jht.facade import Limits, decide, decide_columns, decide_many, limits

__all__ = [
    "CHANNELS",
    "REFUSAL_CODES",
    "Case",
    "Decision",
    "FieldError",
    "InvalidCase",
    "Limits",
    "PriorPayout",
    "Reason",
    "decide",
    "decide_columns",
    "decide_many",
    "limits",
    "parse_case",
]
