"""Staff roles as groups: an officer gets a role, never a superuser account.

Four eyes on money: a verifier (Verifikator) assesses, rejects and asks for corrections;
only a supervisor (Penyelia) approves. An auditor sees everything and changes nothing.
Operators may add permissions to a group later; this migration only creates the roles.
"""

from django.db import migrations

_COUNTER = [
    "claims.view_claim",
    "claims.view_claimdraft",
    "claims.view_documentupload",
    "claims.view_appointment",
    "claims.change_appointment",  # marks a member as come or not come
    "claims.view_appointmentcapacity",
    "members.view_participant",
    "members.view_membership",
    "members.view_employer",
    "members.view_contribution",
    "accounts.view_memberaccount",
    "accounts.view_registration",
    "accounts.view_accountevent",
    "biometrics.view_facestep",
    "biometrics.view_unlockbooking",
    "workdays.view_closure",
]
_VERIFIER = [
    *_COUNTER,
    "claims.assess_claim",
    "claims.reject_claim",
    "claims.request_correction",
    "biometrics.view_faceevent",
    "biometrics.view_faceattempt",
    "biometrics.view_faceenrolment",
    "biometrics.unlock_face_step",  # after checking the e-KTP in a video call
]
_SUPERVISOR = [
    *_VERIFIER,
    "claims.approve_claim",
    "claims.add_appointmentcapacity",
    "claims.change_appointmentcapacity",
    "claims.delete_appointmentcapacity",
    "workdays.add_closure",  # a regional holiday or an office closed
    "workdays.change_closure",
    "workdays.delete_closure",
    "biometrics.view_livenesschallenge",
    "notifications.view_outboundmessage",
]
# The auditor reads every record of these apps (and who holds which role), nothing else.
_AUDITED_APPS = [
    "members",
    "integrations",
    "notifications",
    "accounts",
    "biometrics",
    "claims",
    "workdays",
    "auth",
]

ROLES = {
    "Petugas loket": _COUNTER,
    "Verifikator": _VERIFIER,
    "Penyelia": _SUPERVISOR,
}
AUDITOR = "Auditor"


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        permissions = []
        for dotted in wanted:
            app_label, codename = dotted.split(".")
            permissions.append(
                permission_model.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.add(*permissions)
    auditor, _ = group_model.objects.get_or_create(name=AUDITOR)
    auditor.permissions.add(
        *permission_model.objects.filter(
            content_type__app_label__in=_AUDITED_APPS, codename__startswith="view_"
        )
    )


def remove_roles(apps, schema_editor):
    names = [*ROLES, AUDITOR]
    apps.get_model("auth", "Group").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_identity_controls"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("biometrics", "0004_staff_permissions"),
        ("claims", "0006_staff_permissions"),
        ("integrations", "0001_initial"),
        ("members", "0004_withdrawals"),
        ("notifications", "0002_outbox"),
        ("workdays", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
