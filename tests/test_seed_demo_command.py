from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from cairkan.accounts.models import MemberAccount
from cairkan.claims.models import Claim
from cairkan.claims.services import ClaimRequest, claim_submit
from cairkan.members.models import Contribution, Participant, ReturnRate
from cairkan.screening.services import claim_screen
from claim_steps import face_check_passed, upload_documents

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 23)


def _seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def test_loads_people_ledger_rates_personas_and_an_operator() -> None:
    output = _seed(members=40, seed=1, as_of=AS_OF)
    assert Participant.objects.count() == 40
    assert Contribution.objects.count() > 40 * 12
    assert ReturnRate.objects.get(year=2020).rate_percent == Decimal("5.63")
    assert "Illustrative" in ReturnRate.objects.get(year=2019).source
    assert "Rina Maulida" in output and "6308056108979001" in output
    operator = get_user_model().objects.get(username="operator")
    assert operator.is_staff and operator.check_password("cairkan-demo")
    verifier = get_user_model().objects.get(username="verifikator")
    assert verifier.is_staff and not verifier.is_superuser
    assert verifier.has_perm("claims.reject_claim") and verifier.has_perm("claims.approve_claim")
    assert not verifier.has_perm("backoffice.approve_above_limit")  # four eyes: a supervisor


def test_refuses_to_load_twice_without_being_told_how() -> None:
    _seed(members=12, seed=1, as_of=AS_OF)
    with pytest.raises(CommandError, match="--reset"):
        _seed(members=12, seed=1, as_of=AS_OF)
    again = _seed(members=12, if_empty=True)
    assert "nothing to do" in again
    assert "Rina Maulida" in again  # the demo logins are shown every time
    assert Participant.objects.count() == 12


def test_a_reset_after_members_registered_and_claimed_starts_from_nothing() -> None:
    _seed(members=12, seed=1, as_of=AS_OF)
    rina = Participant.objects.get(nik="6308056108979001")
    upload_documents(rina, "resignation")
    face_check_passed(rina)
    user = get_user_model().objects.create_user("rina")
    MemberAccount.objects.create(user=user, participant=rina, phone="+6281234500001")
    claim = claim_submit(
        participant=rina,
        request=ClaimRequest("resignation", None, "002", "005201000019001"),
        idempotency_key="k",
    )
    claim_screen(claim_id=claim.pk)  # screened, as every filing is once it commits
    _seed(members=12, seed=2, as_of=AS_OF, reset=True)
    assert not Claim.objects.exists() and not MemberAccount.objects.exists()
    assert not get_user_model().objects.filter(username="rina").exists()
    assert get_user_model().objects.filter(username="operator").exists()
    assert Participant.objects.count() == 12


def test_refuses_in_production(settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        _seed(members=12)
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--members", "-3"], "must be 0 or more"),
        (["--members", "lots"], "not a whole number"),
        (["--as-of", "23/11/2026"], "not a date"),
    ],
)
def test_bad_arguments_get_a_clear_message(argv: list[str], message: str, capsys) -> None:
    from cairkan.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["cairkan", "seed-demo", *argv])
    assert exit_info.value.code != 0
    assert message in capsys.readouterr().err
