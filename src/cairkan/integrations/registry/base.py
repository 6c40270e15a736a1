"""The population registry (Dukcapil) as Cairkan sees it: look up a NIK."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from cairkan.integrations.conditions import GatewayTimeout, GatewayUnavailable


class RegistryError(Exception):
    """Any failure to get an answer about a person from the registry."""


class PersonNotFound(RegistryError):
    """The registry has no person with this NIK."""


class RegistryTimeout(RegistryError, GatewayTimeout):
    """The registry did not answer in time; the same call may succeed later."""


class RegistryUnavailable(RegistryError, GatewayUnavailable):
    """The registry said it cannot answer now; the same call may succeed later."""


@dataclass(frozen=True, slots=True)
class RegistryPerson:
    nik: str
    full_name: str
    birth_date: date
    birthplace: str
    sex: str  # "M" or "F"
    address: str
    district_code: str
    deceased_on: date | None
    # The reference face photo held by the registry (JPEG); None when it has none.
    photo_jpeg: bytes | None

    @property
    def deceased(self) -> bool:
        return self.deceased_on is not None


class PopulationRegistry(Protocol):
    def lookup(self, nik: str) -> RegistryPerson:
        """The registry's record for ``nik``.

        Raises ``PersonNotFound``, ``RegistryTimeout`` or ``RegistryUnavailable``.
        """
        ...
