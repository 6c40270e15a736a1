"""Days the office is closed beyond the national calendar, entered by an operator."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Closure(models.Model):
    """A regional holiday or a day the office is closed, from ``first_day`` to
    ``last_day`` inclusive. National public holidays and cuti bersama need no row: they
    come from the ``holidays`` package."""

    class Scope(models.TextChoices):
        SERVICE = "service", _("the whole service: no officers, no video calls, no payments")
        BRANCH = "branch", _("the branch office's counter only")

    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    scope = models.CharField(
        _("closed"), max_length=8, choices=Scope.choices, default=Scope.SERVICE
    )
    reason = models.CharField(
        _("reason"), max_length=200, help_text=_("For example: Hari Jadi Kabupaten, flood.")
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("office closure")
        verbose_name_plural = _("office closures")
        ordering = ["-first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_day__lte=F("last_day")),
                name="closure_days_ordered",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_day}–{self.last_day} {self.reason}"
