from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    name = "cairkan.payouts"
    verbose_name = _("Payouts")

    def ready(self) -> None:
        # A member's new account after a failed payment re-queues the claim in
        # cairkan.claims, which sits below this app and cannot call it: it says so with
        # a signal, and the payout for the new account is made in the same transaction.
        from cairkan.payouts import receivers  # noqa: F401
