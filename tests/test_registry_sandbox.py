"""The sandbox population registry behaves like the real web service, minus real waiting."""

from __future__ import annotations

import random
from datetime import date

import pytest

from cairkan.integrations import loading
from cairkan.integrations.conditions import GatewayTimeout, GatewayUnavailable
from cairkan.integrations.models import SandboxFault, SandboxRegistryRecord
from cairkan.integrations.registry.base import (
    PersonNotFound,
    RegistryError,
    RegistryPerson,
    RegistryTimeout,
    RegistryUnavailable,
)
from cairkan.integrations.registry.sandbox import SandboxPopulationRegistry

pytestmark = pytest.mark.django_db

PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00sandbox-face\xff\xd9"


class SleepRecorder:
    """Stands in for ``time.sleep``: remembers how long each call would have waited."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleep() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def registry(sleep):
    def make(**options) -> SandboxPopulationRegistry:
        options.setdefault("rng", random.Random(1))
        return SandboxPopulationRegistry(sleep=sleep, **options)

    return make


def _record(nik: str, **fields) -> SandboxRegistryRecord:
    defaults = {
        "full_name": "Siti Aminah",
        "birth_date": date(1989, 4, 12),
        "birthplace": "Amuntai",
        "sex": "F",
        "address": "Jl. Norman Umar No. 7, Amuntai",
        "district_code": "63.08.05",
    }
    return SandboxRegistryRecord.objects.create(nik=nik, **{**defaults, **fields})


# --- answers ----------------------------------------------------------------------------


def test_found_person_carries_the_record(registry):
    _record("6308055204890001", photo_jpeg=PHOTO)

    person = registry().lookup("6308055204890001")

    assert person == RegistryPerson(
        nik="6308055204890001",
        full_name="Siti Aminah",
        birth_date=date(1989, 4, 12),
        birthplace="Amuntai",
        sex="F",
        address="Jl. Norman Umar No. 7, Amuntai",
        district_code="63.08.05",
        deceased_on=None,
        photo_jpeg=PHOTO,
    )
    assert person.deceased is False
    assert type(person.photo_jpeg) is bytes


def test_deceased_person_without_photo(registry):
    _record(
        "6308011508750123",
        full_name="Ahmad Fauzi",
        birth_date=date(1975, 8, 15),
        sex="M",
        district_code="63.08.01",
        deceased_on=date(2024, 11, 3),
    )

    person = registry().lookup("6308011508750123")

    assert person.full_name == "Ahmad Fauzi"
    assert person.sex == "M"
    assert person.deceased_on == date(2024, 11, 3)
    assert person.deceased is True
    assert person.photo_jpeg is None


def test_lookup_finds_only_the_asked_person(registry):
    _record("6308055204890001", full_name="Siti Aminah")
    _record("6308055204890002", full_name="Rina Wati")

    assert registry().lookup("6308055204890002").full_name == "Rina Wati"


def test_unknown_nik_is_person_not_found(registry):
    _record("6308055204890001")

    with pytest.raises(PersonNotFound, match="6308055204890009"):
        registry().lookup("6308055204890009")


# --- scripted faults --------------------------------------------------------------------


def test_scripted_timeout_waits_the_full_timeout(registry, sleep):
    _record("6308055204890001", fault=SandboxFault.TIMEOUT)

    with pytest.raises(RegistryTimeout) as info:
        registry(timeout_s=3.5).lookup("6308055204890001")

    assert isinstance(info.value, GatewayTimeout)
    assert isinstance(info.value, RegistryError)
    assert sleep.delays == [3.5]


def test_scripted_unavailable(registry):
    _record("6308055204890001", fault=SandboxFault.UNAVAILABLE)

    with pytest.raises(RegistryUnavailable) as info:
        registry().lookup("6308055204890001")

    assert isinstance(info.value, GatewayUnavailable)
    assert isinstance(info.value, RegistryError)


def test_fault_on_one_record_does_not_affect_another(registry):
    _record("6308055204890001", fault=SandboxFault.UNAVAILABLE)
    _record("6308055204890002", full_name="Rina Wati")

    assert registry().lookup("6308055204890002").full_name == "Rina Wati"


# --- network conditions -----------------------------------------------------------------


def test_latency_is_sampled_within_range(registry, sleep):
    _record("6308055204890001")

    registry(latency_ms=(100, 200), rng=random.Random(1)).lookup("6308055204890001")

    assert len(sleep.delays) == 1
    assert 0.1 <= sleep.delays[0] <= 0.2


def test_latency_varies_between_calls_but_stays_in_range(registry, sleep):
    _record("6308055204890001")
    reg = registry(latency_ms=(100, 200), rng=random.Random(7))

    for _ in range(50):
        reg.lookup("6308055204890001")

    assert len(sleep.delays) == 50
    assert all(0.1 <= d <= 0.2 for d in sleep.delays)
    assert len(set(sleep.delays)) > 1


def test_latency_is_spent_on_not_found_too(registry, sleep):
    with pytest.raises(PersonNotFound):
        registry(latency_ms=(100, 200)).lookup("6308055204890001")

    assert len(sleep.delays) == 1
    assert 0.1 <= sleep.delays[0] <= 0.2


def test_latency_above_timeout_times_out(registry, sleep):
    _record("6308055204890001")

    with pytest.raises(RegistryTimeout, match="1 s"):
        registry(latency_ms=(2000, 3000), timeout_s=1.0).lookup("6308055204890001")

    assert sleep.delays == [1.0]


def test_fault_rate_one_always_unavailable(registry):
    _record("6308055204890001")
    reg = registry(fault_rate=1.0)

    for _ in range(20):
        with pytest.raises(RegistryUnavailable):
            reg.lookup("6308055204890001")


def test_fault_rate_zero_never_fails(registry):
    _record("6308055204890001")
    reg = registry(fault_rate=0.0, latency_ms=(0, 50), rng=random.Random(3))

    for _ in range(500):
        assert reg.lookup("6308055204890001").nik == "6308055204890001"


def test_fault_rate_half_fails_about_half_the_time(registry):
    _record("6308055204890001")
    reg = registry(fault_rate=0.5, rng=random.Random(11))

    failures = 0
    for _ in range(400):
        try:
            reg.lookup("6308055204890001")
        except RegistryUnavailable:
            failures += 1

    assert 140 < failures < 260


@pytest.mark.parametrize(
    ("options", "mentions"),
    [
        ({"latency_ms": (200, 100)}, "latency_ms"),
        ({"latency_ms": (-1, 100)}, "latency_ms"),
        ({"fault_rate": 2}, "fault_rate"),
        ({"fault_rate": -0.1}, "fault_rate"),
    ],
)
def test_bad_constructor_values_raise(options, mentions):
    with pytest.raises(ValueError, match=mentions):
        SandboxPopulationRegistry(**options)


# --- loading from settings --------------------------------------------------------------


class FakeRegistry:
    def __init__(self, **options) -> None:
        self.options = options


@pytest.fixture
def fresh_loading():
    loading.reset()
    yield
    loading.reset()


def test_population_registry_builds_the_configured_sandbox(settings, fresh_loading):
    settings.CAIRKAN_REGISTRY_GATEWAY = (
        "cairkan.integrations.registry.sandbox.SandboxPopulationRegistry"
    )
    settings.CAIRKAN_REGISTRY_OPTIONS = {
        "latency_ms": (10, 20),
        "timeout_s": 2.5,
        "fault_rate": 0.25,
    }

    built = loading.population_registry()

    assert type(built) is SandboxPopulationRegistry
    assert built.network.latency_ms == (10, 20)
    assert built.network.timeout_s == 2.5
    assert built.network.fault_rate == 0.25
    assert loading.population_registry() is built  # built once, then reused


def test_population_registry_builds_whatever_class_is_named(settings, fresh_loading):
    settings.CAIRKAN_REGISTRY_GATEWAY = f"{__name__}.FakeRegistry"
    settings.CAIRKAN_REGISTRY_OPTIONS = {"endpoint": "https://dukcapil.invalid", "timeout_s": 4}

    built = loading.population_registry()

    assert type(built) is FakeRegistry
    assert built.options == {"endpoint": "https://dukcapil.invalid", "timeout_s": 4}


def test_reset_picks_up_changed_settings(settings, fresh_loading):
    settings.CAIRKAN_REGISTRY_GATEWAY = f"{__name__}.FakeRegistry"
    settings.CAIRKAN_REGISTRY_OPTIONS = {"n": 1}
    first = loading.population_registry()

    settings.CAIRKAN_REGISTRY_OPTIONS = {"n": 2}
    assert loading.population_registry() is first  # still cached
    loading.reset()

    assert loading.population_registry().options == {"n": 2}
