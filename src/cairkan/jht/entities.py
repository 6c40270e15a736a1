"""The one entity the JHT rules speak about: a member making (or asking about) a claim."""

from openfisca_core.entities import build_entity

Member = build_entity(
    key="member",
    plural="members",
    label="A BPJS Ketenagakerjaan participant claiming JHT; balances are all linked KPJ together",
    is_person=True,
)

entities = [Member]
