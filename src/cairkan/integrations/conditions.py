"""Network conditions a sandbox imitates: latency, time-outs and random outages."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


class GatewayTimeout(Exception):
    """The remote system did not answer within the client's time-out."""


class GatewayUnavailable(Exception):
    """The remote system answered that it cannot serve now (an HTTP 503 or the like)."""


@dataclass
class NetworkConditions:
    latency_ms: tuple[int, int] = (0, 0)
    timeout_s: float = 5.0
    fault_rate: float = 0.0
    rng: random.Random = field(default_factory=random.Random)
    sleep: Callable[[float], None] = time.sleep
    # The gateway's own error types, so callers catch e.g. RegistryTimeout directly.
    timeout_error: type[GatewayTimeout] = GatewayTimeout
    unavailable_error: type[GatewayUnavailable] = GatewayUnavailable

    def __post_init__(self) -> None:
        low, high = self.latency_ms
        if not 0 <= low <= high:
            raise ValueError(
                f"latency_ms must be (low, high) with 0 <= low <= high: {self.latency_ms}"
            )
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError(f"fault_rate must be within 0..1: {self.fault_rate}")

    def round_trip(self, fault: str = "") -> None:
        """Spend one call's latency; raise as the real network would. ``fault`` is a
        record's scripted fault: "timeout" or "unavailable" (anything else: none)."""
        if fault == "unavailable":
            raise self.unavailable_error("service unavailable")
        if fault == "timeout":
            self.sleep(self.timeout_s)
            raise self.timeout_error(f"no answer within {self.timeout_s:g} s")
        delay = self.rng.uniform(*self.latency_ms) / 1000
        if delay > self.timeout_s:
            self.sleep(self.timeout_s)
            raise self.timeout_error(f"no answer within {self.timeout_s:g} s")
        self.sleep(delay)
        if self.fault_rate and self.rng.random() < self.fault_rate:
            raise self.unavailable_error("service temporarily unavailable")
