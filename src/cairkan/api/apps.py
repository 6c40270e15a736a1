from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cairkan.api"
    verbose_name = "API"
