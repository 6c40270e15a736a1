from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "cairkan.screening"
    verbose_name = _("Screening")

    def ready(self) -> None:
        # Claims sit below screening in the layers and cannot call it: they announce a
        # filing, and screening takes it from there (docs/screening.md, "The hook").
        from cairkan.claims.signals import claim_filed
        from cairkan.screening.tasks import screen_on_filing

        claim_filed.connect(screen_on_filing, dispatch_uid="screening.claim_filed")
