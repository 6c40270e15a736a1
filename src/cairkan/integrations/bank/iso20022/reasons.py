"""ISO 20022 status reason codes in Cairkan's words (docs/payments.md, "Bulk files").

The table follows the mapping in the project's payment notes: each external reason code
(ISO's ExternalStatusReason1Code / ExternalReturnReason1Code lists) becomes either a
Cairkan failure code the member reads (another account helps), or a refusal on the
payer's side that no member can fix (BPJS's own account or file: an officer acts).
"""

from __future__ import annotations

# The member's account is the cause: the payout fails and the member gives another one.
MEMBER_SIDE: dict[str, str] = {
    "AC01": "account_invalid",  # incorrect account number (SNAP 404xx11)
    "AC03": "account_invalid",  # invalid creditor account number
    "AC04": "account_closed",  # closed account (SNAP 403xx18)
    "AC06": "account_blocked",  # blocked account (SNAP 403xx05)
    "AC07": "account_closed",  # closed creditor account
    "AG01": "not_permitted",  # transaction forbidden on this account (SNAP 403xx15)
    "AM02": "over_limit",  # amount above what the account may receive (SNAP 403xx02)
    "BE01": "name_mismatch",  # inconsistent with the end customer (name and account)
    "DORM": "account_dormant",  # proprietary: dormant account (SNAP 403xx09), no ISO code
    "MD07": "account_closed",  # end customer deceased: the account is closed to credits
}

# The payer is the cause (BPJS's funds, a duplicate, the file itself): the payout is not
# failed — a member must not be asked for another account — but held for an officer.
PAYER_SIDE: frozenset[str] = frozenset(
    {
        "AM04",  # insufficient funds on the paying account (SNAP 403xx14)
        "AM05",  # duplicate (SNAP 409xx01): the first instruction may well be paid
        "DUPL",  # duplicate payment
        "FF01",  # invalid file format
        "AM01",  # zero amount
        "AM03",  # currency not allowed
        "AM09",  # wrong amount
        "AM10",  # invalid control sum
        "CUST",  # cancelled at the payer's request
        "TM01",  # received after the cut-off
    }
)

BANK_REFUSED = "bank_refused"  # any other code: refused, the bank said no more


def failure_code(reason: str) -> str:
    """The Cairkan failure code for a member-side ISO reason (unknown codes: refused)."""
    return MEMBER_SIDE.get(reason, BANK_REFUSED)


def is_payer_side(reason: str) -> bool:
    return reason in PAYER_SIDE
