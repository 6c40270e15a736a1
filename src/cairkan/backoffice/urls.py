"""The officers' workspace: /kantor/ (the Django admin stays for configuration)."""

from django.urls import path

from cairkan.backoffice import calendar, counter, payments, signin, views

app_name = "backoffice"

urlpatterns = [
    path("masuk/", signin.signin, name="login"),
    path("masuk/kode/", signin.login_code, name="login_code"),
    path("masuk/perangkat/", signin.enrol, name="enrol"),
    path("keluar/", signin.signout, name="logout"),
    path("", views.queue, name="queue"),
    path("klaim/<uuid:claim_id>/", views.review, name="review"),
    path("klaim/<uuid:claim_id>/ambil/", views.take, name="take"),
    path("klaim/<uuid:claim_id>/lepas/", views.release, name="release"),
    path("klaim/<uuid:claim_id>/setujui/", views.approve, name="approve"),
    path("klaim/<uuid:claim_id>/tolak/", views.reject, name="reject"),
    path("klaim/<uuid:claim_id>/perbaikan/", views.correction, name="correction"),
    path("klaim/<uuid:claim_id>/eskalasi/", views.escalate, name="escalate"),
    path("penyelia/", views.supervision, name="supervision"),
    path("kalender/", calendar.calendar, name="calendar"),
    path("hari/", calendar.day, name="day"),
    path("rekonsiliasi/", payments.reconciliation, name="reconciliation"),
    path("pajak/", payments.tax_report, name="tax_report"),
    path("dokumen/<uuid:upload_id>/", views.document, name="document"),
    # Walk-in claims filed at the counter (issue 13.4).
    path("loket/", counter.find, name="counter"),
    path("loket/klaim/", counter.claim_form, name="counter_claim"),
    path("loket/wajah/", counter.face, name="counter_face"),
    path("loket/wajah/kirim/", counter.face_submit, name="counter_face_submit"),
    path("loket/wajah/mutu/", counter.face_quality, name="counter_face_quality"),
    path("loket/tanda-terima/<uuid:claim_id>/", counter.receipt, name="counter_receipt"),
]
