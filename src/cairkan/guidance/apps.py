from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    """Pages that help before any login: can I claim, when, what to bring, where."""

    name = "cairkan.guidance"
