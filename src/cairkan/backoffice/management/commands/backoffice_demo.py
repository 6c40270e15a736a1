"""``cairkan backoffice-demo``: the demo officers' branch and second factor, printed for
``make run``. Demo only: refused with ``CAIRKAN_ENV=production``.

Each demo officer (made by ``seed-demo``) is posted to the demo's branch office and gets
a confirmed TOTP device; the command prints each key (to add to an authenticator app)
and the code valid now. ``--code USER`` prints only that officer's current code.
"""

from __future__ import annotations

from argparse import ArgumentParser
from base64 import b32encode
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairkan.backoffice.models import Branch, Posting

DEMO_OFFICERS = ("loket", "verifikator", "penyelia", "auditor")
# The demo population lives in Kabupaten Hulu Sungai Utara (63.08); a second branch with
# no demo claims shows that officers read only their own branch's.
DEMO_BRANCHES = {
    "amuntai": ("Kantor Cabang Amuntai", ["63.08", "63.09", "63.11"]),
    "banjarmasin": ("Kantor Cabang Banjarmasin", ["63.71", "63.04"]),
}


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


class Command(BaseCommand):
    help = "Post the demo officers to the demo branch and give them a TOTP device (demo only)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--code", metavar="USER", help="print only USER's current code")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("backoffice-demo refuses to run with CAIRKAN_ENV=production.")
        users = get_user_model().objects.filter(username__in=DEMO_OFFICERS)
        if options["code"]:
            device = TOTPDevice.objects.filter(
                user__username=options["code"], user__in=users, confirmed=True
            ).first()
            if device is None:
                raise CommandError(f"{options['code']!r} is not a demo officer with a device.")
            self.stdout.write(current_code(device))
            return
        branches = {
            code: Branch.objects.update_or_create(
                code=code, defaults={"name": name, "regency_codes": regencies}
            )[0]
            for code, (name, regencies) in DEMO_BRANCHES.items()
        }
        self.stdout.write("Demo officers (password cairkan-demo), TOTP key and code now:")
        for user in users.order_by("username"):
            posting, _created = Posting.objects.get_or_create(user=user)
            posting.branches.add(branches["amuntai"])
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
            key = b32encode(device.bin_key).decode().rstrip("=")
            roles = ", ".join(user.groups.values_list("name", flat=True))
            self.stdout.write(
                f"  {user.username:<12} {roles:<14} key {key}  code now {current_code(device)}"
            )
