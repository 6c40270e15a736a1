"""A population registry backed by Cairkan's own sandbox table.

Behaves like the real web service: every call costs latency, slow calls time out,
outages happen at the configured rate, and records can carry a scripted fault.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from cairkan.integrations.conditions import NetworkConditions
from cairkan.integrations.models import SandboxFault, SandboxRegistryRecord
from cairkan.integrations.registry.base import (
    PersonNotFound,
    RegistryPerson,
    RegistryTimeout,
    RegistryUnavailable,
)


class SandboxPopulationRegistry:
    def __init__(
        self,
        *,
        latency_ms: tuple[int, int] = (0, 0),
        timeout_s: float = 5.0,
        fault_rate: float = 0.0,
        rng: random.Random | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.network = NetworkConditions(
            latency_ms=tuple(latency_ms),  # type: ignore[arg-type]
            timeout_s=timeout_s,
            fault_rate=fault_rate,
            rng=rng or random.Random(),
            sleep=sleep,
            timeout_error=RegistryTimeout,
            unavailable_error=RegistryUnavailable,
        )

    def tester_photo_set(self, *, nik: str, photo_jpeg: bytes) -> None:
        """Tester mode (sandbox only): a tester's own face becomes the person's registry
        photo, so the face step can be tried end to end without Dukcapil's photo."""
        SandboxRegistryRecord.objects.filter(nik=nik).update(photo_jpeg=photo_jpeg)

    def lookup(self, nik: str) -> RegistryPerson:
        record = SandboxRegistryRecord.objects.filter(nik=nik).first()
        self.network.round_trip(record.fault if record else SandboxFault.NONE)
        if record is None:
            raise PersonNotFound(nik)
        return RegistryPerson(
            nik=record.nik,
            full_name=record.full_name,
            birth_date=record.birth_date,
            birthplace=record.birthplace,
            sex=record.sex,
            address=record.address,
            district_code=record.district_code,
            deceased_on=record.deceased_on,
            photo_jpeg=bytes(record.photo_jpeg) if record.photo_jpeg else None,
        )
