from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "cairkan.integrations"
    verbose_name = _("Registry and bank gateways")
