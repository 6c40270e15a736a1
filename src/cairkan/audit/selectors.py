"""Reading the audit trail: verifying the chain end to end."""

from __future__ import annotations

from dataclasses import dataclass

from cairkan.audit.chain import entry_seal
from cairkan.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry


@dataclass(frozen=True, slots=True)
class ChainBreak:
    sequence: int  # the first entry that does not hold
    problem: str  # missing | link | altered | tail
    detail: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    verified: int  # entries that hold, from the first
    head_hash: str  # the last good entry's hash: what is published daily
    broken: ChainBreak | None


def chain_verify() -> ChainReport:
    """Recompute the chain from the first entry; stop at the first link that breaks.

    A deleted entry leaves a gap in the sequence; entries put in another order, or one
    replaced by another, no longer name their predecessor's hash; an edited entry no
    longer gives its own hash; entries cut off the end no longer reach the chain head."""
    expected, previous, verified = 1, GENESIS_HASH, 0

    def report(broken: ChainBreak | None) -> ChainReport:
        return ChainReport(verified=verified, head_hash=previous, broken=broken)

    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected:
            return report(
                ChainBreak(
                    expected,
                    "missing",
                    f"entry #{expected} is missing (deleted?); the next one is #{entry.sequence}",
                )
            )
        if entry.previous_hash != previous:
            return report(
                ChainBreak(
                    expected,
                    "link",
                    f"entry #{expected} does not follow #{expected - 1}: it names "
                    f"{entry.previous_hash[:16]}…, #{expected - 1} is {previous[:16]}… "
                    "(reordered, replaced or inserted)",
                )
            )
        if entry_seal(entry) != entry.entry_hash:
            return report(
                ChainBreak(
                    expected,
                    "altered",
                    f"entry #{expected} was changed after it was written: its content no "
                    "longer gives its hash",
                )
            )
        previous, expected, verified = entry.entry_hash, expected + 1, verified + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None and verified:
        return report(
            ChainBreak(expected, "tail", "the chain head is missing: the end cannot be checked")
        )
    if head is not None and (head.sequence, head.entry_hash) != (verified, previous):
        return report(
            ChainBreak(
                expected,
                "tail",
                f"the chain ends at #{verified} but its head says #{head.sequence}: "
                "entries at the end were removed, or the head was changed",
            )
        )
    return report(None)
