from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cairkan.demo"
