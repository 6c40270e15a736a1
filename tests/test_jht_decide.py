"""decide(): every reason, every refusal, every boundary — table-driven, each row citing
the rule it checks. Expected amounts are worked out by hand in the row's comment."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cairkan.jht import (
    REFUSAL_CODES,
    Case,
    Limits,
    PriorPayout,
    Reason,
    decide,
    decide_many,
    limits,
)

R = Reason
D = date.fromisoformat
ALL_CHANNELS = ("app", "online_assisted", "branch")
ASSISTED = ("online_assisted", "branch")
BASE_DOCS = ("ektp", "kpj_card", "bank_account")

# A member aged 40, 12 years a member, who resigned on 2026-09-15 (non-active), balance
# Rp 8 juta, deciding on 2026-11-23.
BASE = Case(
    as_of=D("2026-11-23"),
    reason=R.RESIGNATION,
    birth_date=D("1986-05-10"),
    retirement_age=None,
    membership_start=D("2014-06-01"),
    membership_active=False,
    separation_date=D("2026-09-15"),
    balance=8_000_000,
    has_npwp=False,
)


def case(**changes: object) -> Case:
    return replace(BASE, **changes)  # type: ignore[arg-type]


# (id, case, eligible, refusals, eligible_from, gross, tax, channels, documents)
ROWS = [
    # --- every reason, eligible ------------------------------------------------------------
    (
        "resignation: Permenaker 4/2022 Art. 8-9",
        case(),
        True,
        (),
        None,
        8_000_000,
        0,
        ALL_CHANNELS,
        (*BASE_DOCS, "resignation_statement"),
    ),
    (
        "termination: Art. 10-11",
        case(reason=R.TERMINATION),
        True,
        (),
        None,
        8_000_000,
        0,
        ALL_CHANNELS,
        (*BASE_DOCS, "termination_proof"),
    ),
    (
        "contract end, treated like termination: Art. 6(2), 7",
        case(reason=R.CONTRACT_END),
        True,
        (),
        None,
        8_000_000,
        0,
        ALL_CHANNELS,
        (*BASE_DOCS, "contract_end_proof"),
    ),
    (
        "retirement on the 56th birthday: Art. 6(1)",
        case(reason=R.RETIREMENT, birth_date=D("1970-11-23"), separation_date=None),
        True,
        (),
        None,
        8_000_000,
        0,
        ALL_CHANNELS,
        BASE_DOCS,
    ),
    (
        "retirement while still active: allowed, but not in the app",
        case(
            reason=R.RETIREMENT,
            birth_date=D("1960-01-01"),
            membership_active=True,
            separation_date=None,
        ),
        True,
        (),
        None,
        8_000_000,
        0,
        ASSISTED,
        BASE_DOCS,
    ),
    (
        "leaving Indonesia: no waiting period, Art. 6",
        case(reason=R.LEAVING_INDONESIA, separation_date=None),
        True,
        (),
        None,
        8_000_000,
        0,
        ALL_CHANNELS,
        (*BASE_DOCS, "passport", "not_working_in_indonesia_statement"),
    ),
    (
        "permanent disability: PP 46/2015 Art. 26",
        case(reason=R.PERMANENT_DISABILITY, separation_date=None),
        True,
        (),
        None,
        8_000_000,
        0,
        ALL_CHANNELS,
        (*BASE_DOCS, "doctor_certificate"),
    ),
    (
        "death, filed by heirs, never in the app",
        case(reason=R.DEATH, separation_date=None, membership_active=True),
        True,
        (),
        None,
        8_000_000,
        0,
        ASSISTED,
        (*BASE_DOCS, "death_certificate", "heir_certificate", "heir_ektp", "family_card"),
    ),
    (
        "partial 10% while employed: PP 46/2015 Art. 22(5)(a); 10% of 8 000 000",
        case(reason=R.PARTIAL_10, membership_active=True, separation_date=None),
        True,
        (),
        None,
        800_000,
        0,
        ALL_CHANNELS,
        BASE_DOCS,
    ),
    (
        "partial 30% for housing: Art. 22(5)(b); 30% of 8 000 001 = 2 400 000.3, rounded down",
        case(reason=R.PARTIAL_30, membership_active=True, separation_date=None, balance=8_000_001),
        True,
        (),
        None,
        2_400_000,
        0,
        ALL_CHANNELS,
        (*BASE_DOCS, "housing_documents"),
    ),
    # --- waiting period: the day before and the day it is met -----------------------------
    (
        "waiting period, day before: separated 2026-10-23, possible from 2026-11-23",
        case(separation_date=D("2026-10-24")),
        False,
        ("waiting_period",),
        D("2026-11-24"),
        0,
        0,
        (),
        (*BASE_DOCS, "resignation_statement"),
    ),
    (
        "waiting period, the day itself",
        case(separation_date=D("2026-10-23")),
        True,
        (),
        None,
        8_000_000,
        0,
        ALL_CHANNELS,
        (*BASE_DOCS, "resignation_statement"),
    ),
    (
        "waiting period from 31 January ends on the last day of February",
        case(separation_date=D("2026-01-31"), as_of=D("2026-02-27")),
        False,
        ("waiting_period",),
        D("2026-02-28"),
        0,
        0,
        (),
        (*BASE_DOCS, "resignation_statement"),
    ),
    (
        "membership still active: the employer has not reported; no date can be promised",
        case(membership_active=True),
        False,
        ("membership_active",),
        None,
        0,
        0,
        (),
        (*BASE_DOCS, "resignation_statement"),
    ),
    (
        "both waiting and active: eligible_from is unknown",
        case(membership_active=True, separation_date=D("2026-11-01")),
        False,
        ("waiting_period", "membership_active"),
        None,
        0,
        0,
        (),
        (*BASE_DOCS, "resignation_statement"),
    ),
    # --- retirement age: the day before and the day -----------------------------------
    (
        "under 56 the day before the birthday",
        case(reason=R.RETIREMENT, birth_date=D("1970-11-24"), separation_date=None),
        False,
        ("under_retirement_age",),
        D("2026-11-24"),
        0,
        0,
        (),
        BASE_DOCS,
    ),
    (
        "contractual retirement age 55 applies instead of 56",
        case(
            reason=R.RETIREMENT, birth_date=D("1971-11-23"), retirement_age=55, separation_date=None
        ),
        True,
        (),
        None,
        8_000_000,
        0,
        ALL_CHANNELS,
        BASE_DOCS,
    ),
    (
        "contractual retirement age 58: not yet at 57",
        case(
            reason=R.RETIREMENT, birth_date=D("1969-06-01"), retirement_age=58, separation_date=None
        ),
        False,
        ("under_retirement_age",),
        D("2027-06-01"),
        0,
        0,
        (),
        BASE_DOCS,
    ),
    # 56 is a multiple of four, so a 29 February birthday turns 56 on a leap day; a
    # contractual age of 55 shows the common-year rule: 28 February.
    (
        "born 29 February, retirement age 55: reached on 28 February 2027",
        case(
            reason=R.RETIREMENT,
            birth_date=D("1972-02-29"),
            retirement_age=55,
            as_of=D("2027-02-28"),
            separation_date=None,
        ),
        True,
        (),
        None,
        8_000_000,
        0,
        ALL_CHANNELS,
        BASE_DOCS,
    ),
    (
        "born 29 February, retirement age 55: not on 27 February 2027",
        case(
            reason=R.RETIREMENT,
            birth_date=D("1972-02-29"),
            retirement_age=55,
            as_of=D("2027-02-27"),
            separation_date=None,
        ),
        False,
        ("under_retirement_age",),
        D("2027-02-28"),
        0,
        0,
        (),
        BASE_DOCS,
    ),
    # --- partial withdrawals -------------------------------------------------------------
    (
        "partial before ten years: Art. 22(4); ten years from 2016-11-24",
        case(
            reason=R.PARTIAL_10,
            membership_start=D("2016-11-24"),
            separation_date=None,
            membership_active=True,
        ),
        False,
        ("membership_too_short",),
        D("2026-11-24"),
        0,
        0,
        (),
        BASE_DOCS,
    ),
    (
        "partial on the tenth anniversary",
        case(
            reason=R.PARTIAL_10,
            membership_start=D("2016-11-23"),
            separation_date=None,
            membership_active=True,
        ),
        True,
        (),
        None,
        800_000,
        0,
        ALL_CHANNELS,
        BASE_DOCS,
    ),
    (
        "partial after a partial: once per membership, Art. 22(4)-(6)",
        case(
            reason=R.PARTIAL_30,
            separation_date=None,
            membership_active=True,
            prior_payouts=(PriorPayout(D("2025-03-01"), R.PARTIAL_10, 700_000),),
        ),
        False,
        ("partial_already_taken",),
        None,
        0,
        0,
        (),
        (*BASE_DOCS, "housing_documents"),
    ),
    (
        "a full claim after a partial is allowed",
        case(prior_payouts=(PriorPayout(D("2025-03-01"), R.PARTIAL_10, 700_000),)),
        True,
        (),
        None,
        8_000_000,
        0,
        ALL_CHANNELS,
        (*BASE_DOCS, "resignation_statement"),
    ),
    # --- app limit on both sides of its change (Rp 10 juta → 15 juta on 2025-05-01) ---
    (
        "at the old limit on 2025-04-30",
        case(as_of=D("2025-04-30"), separation_date=D("2025-03-01"), balance=10_000_000),
        True,
        (),
        None,
        10_000_000,
        0,
        ALL_CHANNELS,
        (*BASE_DOCS, "resignation_statement"),
    ),
    (
        "one rupiah above the old limit on 2025-04-30",
        case(as_of=D("2025-04-30"), separation_date=D("2025-03-01"), balance=10_000_001),
        True,
        (),
        None,
        10_000_001,
        0,
        ASSISTED,
        (*BASE_DOCS, "resignation_statement"),
    ),
    (
        "Rp 12 juta on 2025-05-01: within the new limit",
        case(as_of=D("2025-05-01"), separation_date=D("2025-03-01"), balance=12_000_000),
        True,
        (),
        None,
        12_000_000,
        0,
        ALL_CHANNELS,
        (*BASE_DOCS, "resignation_statement"),
    ),
    (
        "at the new limit",
        case(balance=15_000_000),
        True,
        (),
        None,
        15_000_000,
        0,
        ALL_CHANNELS,
        (*BASE_DOCS, "resignation_statement"),
    ),
    (
        "one rupiah above the new limit",
        case(balance=15_000_001),
        True,
        (),
        None,
        15_000_001,
        0,
        ASSISTED,
        (*BASE_DOCS, "resignation_statement"),
    ),
    # --- NPWP and the PP 68/2009 final tax ----------------------------------------------
    (
        "Rp 50 juta without NPWP: not above the threshold, no tax",
        case(balance=50_000_000),
        True,
        (),
        None,
        50_000_000,
        0,
        ASSISTED,
        (*BASE_DOCS, "resignation_statement"),
    ),
    (
        "one rupiah above Rp 50 juta needs an NPWP",
        case(balance=50_000_001),
        False,
        ("npwp_missing",),
        None,
        0,
        0,
        (),
        (*BASE_DOCS, "resignation_statement", "npwp"),
    ),
    (
        "just below the band: no tax",
        case(balance=49_999_999, has_npwp=True),
        True,
        (),
        None,
        49_999_999,
        0,
        ASSISTED,
        (*BASE_DOCS, "resignation_statement"),
    ),
    (
        "Rp 20 above the band: 5% of 20 = 1",
        case(balance=50_000_020, has_npwp=True),
        True,
        (),
        None,
        50_000_020,
        1,
        ASSISTED,
        (*BASE_DOCS, "resignation_statement", "npwp"),
    ),
    (
        "Rp 19 above the band: 5% of 19 = 0.95, rounded down to 0",
        case(balance=50_000_019, has_npwp=True),
        True,
        (),
        None,
        50_000_019,
        0,
        ASSISTED,
        (*BASE_DOCS, "resignation_statement", "npwp"),
    ),
    (
        "Rp 150 juta: 5% of 100 juta = 5 000 000",
        case(balance=150_000_000, has_npwp=True),
        True,
        (),
        None,
        150_000_000,
        5_000_000,
        ASSISTED,
        (*BASE_DOCS, "resignation_statement", "npwp"),
    ),
    # --- two calendar years share one band; the third year is taxed at Art. 17 --------
    (
        "second calendar year: 30 juta paid in 2025 + 40 juta now = 70 juta; 5% of 20 juta",
        case(
            balance=40_000_000,
            prior_payouts=(PriorPayout(D("2025-06-01"), R.PARTIAL_10, 30_000_000),),
        ),
        True,
        (),
        None,
        40_000_000,
        1_000_000,
        ASSISTED,
        (*BASE_DOCS, "resignation_statement"),
    ),
    (
        "third calendar year: Art. 17 with NPWP, 40 juta at 5% = 2 000 000",
        case(
            balance=40_000_000,
            has_npwp=True,
            prior_payouts=(PriorPayout(D("2024-12-31"), R.PARTIAL_10, 30_000_000),),
        ),
        True,
        (),
        None,
        40_000_000,
        2_000_000,
        ASSISTED,
        (*BASE_DOCS, "resignation_statement"),
    ),
    (
        "third calendar year without NPWP: 20% more, 2 400 000",
        case(
            balance=40_000_000,
            prior_payouts=(PriorPayout(D("2024-01-01"), R.PARTIAL_10, 30_000_000),),
        ),
        True,
        (),
        None,
        40_000_000,
        2_400_000,
        ASSISTED,
        (*BASE_DOCS, "resignation_statement"),
    ),
    (
        "third calendar year, 100 juta: 60 juta at 5% + 40 juta at 15% = 9 000 000",
        case(
            balance=100_000_000,
            has_npwp=True,
            prior_payouts=(PriorPayout(D("2023-05-05"), R.PARTIAL_10, 10_000_000),),
        ),
        True,
        (),
        None,
        100_000_000,
        9_000_000,
        ASSISTED,
        (*BASE_DOCS, "resignation_statement", "npwp"),
    ),
    # --- nothing to pay ----------------------------------------------------------------
    (
        "zero balance",
        case(balance=0),
        False,
        ("no_balance",),
        None,
        0,
        0,
        (),
        (*BASE_DOCS, "resignation_statement"),
    ),
]


@pytest.mark.parametrize(
    ("claim", "eligible", "refusals", "eligible_from", "gross", "tax", "channels", "documents"),
    [row[1:] for row in ROWS],
    ids=[row[0] for row in ROWS],
)
def test_decide(claim, eligible, refusals, eligible_from, gross, tax, channels, documents):
    decision = decide(claim)
    assert decision.eligible is eligible
    assert decision.refusals == refusals
    assert decision.eligible_from == eligible_from
    assert (decision.gross, decision.tax, decision.net) == (gross, tax, gross - tax)
    assert decision.channels == channels
    assert decision.documents == documents


def test_every_refusal_code_is_exercised_by_the_table() -> None:
    assert {code for row in ROWS for code in row[3]} == set(REFUSAL_CODES)


def test_every_reason_is_exercised_by_the_table() -> None:
    assert {row[1].reason for row in ROWS} == set(Reason)


def test_decide_many_keeps_order_and_matches_single_decisions() -> None:
    claims = [row[1] for row in ROWS]
    assert decide_many(claims) == [decide(c) for c in claims]
    assert len({c.as_of for c in claims}) > 1  # several decision dates in one call


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("id", "Anda bisa mengajukan mulai 24 November 2026."),
        ("en", "You can file from 24 November 2026."),
    ],
)
def test_refusals_explain_what_to_do_and_when(language: str, text: str) -> None:
    decision = decide(case(separation_date=D("2026-10-24")))
    [explanation] = decision.explain(language)
    assert explanation["code"] == "waiting_period"
    assert text in explanation["message"]


def test_every_refusal_has_a_message_in_both_languages() -> None:
    decision = decide(
        case(
            reason=R.PARTIAL_10,
            membership_start=D("2020-01-01"),
            separation_date=None,
            balance=60_000_000,
            prior_payouts=(PriorPayout(D("2025-01-01"), R.PARTIAL_30, 1),),
        )
    )
    assert decision.refusals == ("membership_too_short", "partial_already_taken", "npwp_missing")
    for language in ("id", "en"):
        messages = [e["message"] for e in decision.explain(language)]
        assert all(len(m) > 40 and "{" not in m for m in messages)
    assert "Rp 50.000.000" in decision.explain("id")[2]["message"]
    assert "Rp 50,000,000" in decision.explain("en")[2]["message"]


def test_payment_time_follows_the_service_level() -> None:
    assert decide(case(balance=10_000_000)).payment_within_working_days == 1
    assert decide(case(balance=10_000_001)).payment_within_working_days == 5


def test_the_limits_guidance_quotes_follow_their_effective_dates() -> None:
    # App limit Rp 10 juta until April 2025, Rp 15 juta from 1 May 2025 (domain reference,
    # Channels); NPWP above Rp 50 juta (PP 68/2009); one month's wait (Permenaker 4/2022).
    assert limits(date(2025, 4, 30)) == Limits(
        app_limit=10_000_000, npwp_threshold=50_000_000, waiting_period_months=1
    )
    assert limits(date(2025, 5, 1)).app_limit == 15_000_000
