"""Build the configured gateway implementations from settings."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from cairkan.integrations.bank.base import Bank
    from cairkan.integrations.registry.base import PopulationRegistry


def _build(path: str, options: dict[str, Any]) -> Any:
    return import_string(path)(**options)


@cache
def population_registry() -> PopulationRegistry:
    return cast(
        "PopulationRegistry",
        _build(settings.CAIRKAN_REGISTRY_GATEWAY, settings.CAIRKAN_REGISTRY_OPTIONS),
    )


@cache
def bank() -> Bank:
    return cast("Bank", _build(settings.CAIRKAN_BANK_GATEWAY, settings.CAIRKAN_BANK_OPTIONS))


def reset() -> None:
    """Forget built gateways (after settings change, e.g. in tests)."""
    population_registry.cache_clear()
    bank.cache_clear()
