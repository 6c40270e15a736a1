from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "cairkan.backoffice"
    verbose_name = "Kantor (back office)"
