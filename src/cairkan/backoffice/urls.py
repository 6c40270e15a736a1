"""The officers' workspace: /kantor/ (the Django admin stays for configuration)."""

from django.urls import path

from cairkan.backoffice import calendar, counter, counter_face, face, payments, signin, views

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
    path("loket/wajah/", counter_face.face, name="counter_face"),
    path("loket/wajah/kirim/", counter_face.face_submit, name="counter_face_submit"),
    path("loket/wajah/mutu/", counter_face.face_quality, name="counter_face_quality"),
    path("loket/tanda-terima/<uuid:claim_id>/", counter.receipt, name="counter_receipt"),
    # The face desk (issue 13.2) and the review band (13.3).
    path("wajah/", face.desk, name="face_desk"),
    path("wajah/mulai/", face.check_start, name="face_check_start"),
    path("wajah/cek/<uuid:check_id>/", face.check, name="face_check"),
    path("wajah/cek/<uuid:check_id>/buka/", face.check_unlock, name="face_check_unlock"),
    path("wajah/cek/<uuid:check_id>/tolak/", face.check_refuse, name="face_check_refuse"),
    path("wajah/tinjau/", face.reviews, name="face_reviews"),
    path("wajah/tinjau/<uuid:review_id>/", face.review, name="face_review"),
    path("wajah/tinjau/<uuid:review_id>/terima/", face.review_accept, name="face_review_accept"),
    path("wajah/tinjau/<uuid:review_id>/tolak/", face.review_refuse, name="face_review_refuse"),
]
