"""ISO 20022 host-to-host files: ``pain.001`` out, ``pain.002`` and ``camt.054`` in.

Pure of member data: plain dataclasses in and out; which payout a reference belongs to is
the payouts app's business (``cairkan.payouts.bankfiles``).
"""
