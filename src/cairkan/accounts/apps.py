from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cairkan.accounts"
    verbose_name = _("Member accounts")

    def ready(self) -> None:
        from cairkan.accounts.roles import roles_sync

        # After auth's own post_migrate handler has created every permission.
        post_migrate.connect(roles_sync, dispatch_uid="cairkan.accounts.roles_sync")
