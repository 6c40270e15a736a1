"""The risk rules of straight-through processing, as configuration.

Each rule is a small pure function of the facts gathered about a claim (``Facts``) and
its parameters, saying whether its case is present; ``evaluate`` reports the codes of
those that are (``flagged``), which send the claim to a person. The table
``RULES`` holds every code with the words an officer and a member read, why it exists
and its default parameters; operators switch a rule off or change its parameters in
``CAIRKAN_SCREENING_RULES`` (docs/screening.md). A claim on which no rule fires is
approved by the system.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True, slots=True)
class Facts:
    """What screening knows about one filing of a claim, gathered by
    ``cairkan.screening.selectors.screening_facts``."""

    filed_at: datetime
    channel: str
    gross: int
    flagged_fields: tuple[str, ...]
    separation_declared_by_member: bool
    # The population registry: None when it could not be asked or has no such person.
    registry_found: bool
    registry_deceased: bool
    registry_same_birth_date: bool
    registry_same_name: bool
    # The bank's holder name against the registry's (or BPJS's) name.
    holder_matches_name: bool
    # Other open claims of the same person (another record) or of one of the claim's KPJ.
    duplicate_claims: tuple[str, ...] = ()
    # Other members who gave the same bank account on a claim.
    account_shared_with: int = 0
    contact_changed_at: datetime | None = None
    bank_changed_at: datetime | None = None
    face_review_at: datetime | None = None
    # The rules run again on the member's records at screening time: the same answer?
    rules_agree: bool = True
    rules_note: str = ""
    returned_after_correction: bool = False
    # A death claim filed by an heir (cairkan.claims.heirs): paid to the heir, not the member.
    filed_by_heir: bool = False


Check = Callable[[Facts, Mapping[str, Any]], bool]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    label: Promise  # what the officer's queue and the member read
    why: str  # the reason it exists, for docs/screening.md and the admin
    check: Check
    defaults: Mapping[str, Any] = field(default_factory=dict)


def _within(moment: datetime | None, filed_at: datetime, days: float) -> bool:
    return moment is not None and filed_at - moment <= timedelta(days=days)


RULES: tuple[Rule, ...] = (
    Rule(
        "registry_unverified",
        _("The population registry could not confirm this person"),
        "Identity rests on Dukcapil: no answer, or no such NIK, means nobody checked it.",
        lambda f, p: not f.registry_found,
    ),
    Rule(
        "registry_deceased",
        _("The population registry records this person as deceased"),
        "A dead member's JHT goes to the heirs (PP 46/2015 Art. 26), never to the account.",
        lambda f, p: f.registry_deceased,
    ),
    Rule(
        "heir_claim",
        _("Death claim filed by an heir: check the death certificate, the heir and the relation"),
        "A dead member's JHT is paid to the heirs PP 46/2015 Art. 26 names, on their papers: "
        "a person reads the death and heir certificates before any payment.",
        lambda f, p: f.filed_by_heir,
    ),
    Rule(
        "registry_mismatch",
        _("Name or birth date differs from the population registry"),
        "BPJS records typed by the employer may be wrong; a person decides whose they are.",
        lambda f, p: f.registry_found and not (f.registry_same_birth_date and f.registry_same_name),
    ),
    Rule(
        "bank_holder_mismatch",
        _("The bank account holder's name differs from the member's"),
        "JHT is paid into an account in the member's own name (domain: Documents).",
        lambda f, p: not f.holder_matches_name,
    ),
    Rule(
        "duplicate_claim",
        _("Another claim for the same person or KPJ is in progress"),
        "One balance is paid once; a claim in progress on another channel is a common refusal.",
        lambda f, p: bool(f.duplicate_claims),
    ),
    Rule(
        "bank_account_shared",
        _("This bank account was given by another member"),
        "One account collecting several members' JHT is the mark of an agent (calo) or fraud.",
        lambda f, p: f.account_shared_with > 0,
    ),
    Rule(
        "contact_changed",
        _("The member's phone or e-mail changed recently"),
        "A taken-over account changes the contact first, then claims.",
        lambda f, p: _within(f.contact_changed_at, f.filed_at, p["days"]),
        {"days": 30},
    ),
    Rule(
        "bank_changed",
        _("The member's bank account changed recently"),
        "Redirecting the payment to a new account is the usual fraud on payouts.",
        lambda f, p: _within(f.bank_changed_at, f.filed_at, p["days"]),
        {"days": 30},
    ),
    Rule(
        "separation_declared",
        _("The separation date was declared by the member, not reported by the employer"),
        "The waiting period runs from it (Permenaker 4/2022 Art. 8-11): an officer checks it.",
        lambda f, p: f.separation_declared_by_member,
    ),
    Rule(
        "flagged_field",
        _("The member marked prefilled data as wrong"),
        "The amount rests on the records the member disputes; a person checks them first.",
        lambda f, p: bool(f.flagged_fields),
    ),
    Rule(
        "face_review_band",
        _("A recent face check was borderline"),
        "Between the match and review distances a person decides (docs/face.md).",
        lambda f, p: _within(f.face_review_at, f.filed_at, p["hours"] / 24),
        {"hours": 24},
    ),
    Rule(
        "amount_above_ceiling",
        _("The amount is above the straight-through ceiling"),
        "Large payments get a person's look: the loss from one mistake grows with the amount.",
        lambda f, p: f.gross > p["ceiling"],
        # BPJS lets a member claim up to Rp 15 juta in its app with no officer (the app
        # limit since May 2025, domain jht-rules.md "Channels"): straight through pays no
        # more than that. Lower it to have people look at more (docs/screening.md).
        {"ceiling": 15_000_000},
    ),
    Rule(
        "channel_not_app",
        _("Filed with an officer's verification, not in the app"),
        "The assisted channels end with an officer's video call or counter visit.",
        lambda f, p: f.channel != "app",
    ),
    Rule(
        "rules_refer",
        _("The rules decide differently on today's records"),
        "The amount and eligibility must hold when the money leaves, not only at filing.",
        lambda f, p: not f.rules_agree,
    ),
    Rule(
        "returned_after_correction",
        _("Sent back after a correction an officer asked for"),
        "The officer who asked looks at what the member sent.",
        lambda f, p: f.returned_after_correction,
    ),
)
RULE_BY_CODE = {rule.code: rule for rule in RULES}


@dataclass(frozen=True, slots=True)
class Verdict:
    code: str
    state: str  # "pass", "flag" or "off"

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "state": self.state}


def configuration(raw: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Every rule's effective settings: ``enabled`` and its parameters, the defaults
    overridden by ``CAIRKAN_SCREENING_RULES``. A code or parameter that does not exist
    is refused at once, not silently ignored."""
    raw = settings.CAIRKAN_SCREENING_RULES if raw is None else raw
    unknown = set(raw) - set(RULE_BY_CODE)
    if unknown:
        raise ImproperlyConfigured(f"CAIRKAN_SCREENING_RULES: no rule {sorted(unknown)}")
    effective: dict[str, dict[str, Any]] = {}
    for rule in RULES:
        given = dict(raw.get(rule.code, {}))
        extra = set(given) - {"enabled", *rule.defaults}
        if extra:
            raise ImproperlyConfigured(
                f"CAIRKAN_SCREENING_RULES[{rule.code!r}]: no parameter {sorted(extra)}"
            )
        effective[rule.code] = {"enabled": True, **rule.defaults, **given}
    return effective


def evaluate(facts: Facts, config: Mapping[str, Mapping[str, Any]]) -> list[Verdict]:
    """Each rule's verdict on the facts, in the table's order."""
    return [
        Verdict(
            rule.code,
            "off"
            if not config[rule.code]["enabled"]
            else "flag"
            if rule.check(facts, config[rule.code])
            else "pass",
        )
        for rule in RULES
    ]


def label(code: str) -> str:
    """The words for a code (Indonesian when the active language is), or the code."""
    rule = RULE_BY_CODE.get(code)
    return str(rule.label) if rule else code
