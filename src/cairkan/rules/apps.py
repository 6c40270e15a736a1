from django.apps import AppConfig


class RulesConfig(AppConfig):
    """Adapters from Django (commands, later pages) to the pure rules in cairkan.jht."""

    name = "cairkan.rules"
