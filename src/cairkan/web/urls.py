"""The member pages: registration, login, account, recovery and the face step."""

from django.urls import path

from cairkan.web import account, claim_status, face, members, settings_pages, uploads, wizard

urlpatterns = [
    path("daftar/", members.register, name="register"),
    path("daftar/kontak/", members.register_contact, name="register_contact"),
    path("daftar/kata-sandi/", members.register_password, name="register_password"),
    path("daftar/wajah/", face.register_face, name="register_face"),
    path("masuk/", members.login_page, name="login"),
    path("masuk/kode/", members.login_code, name="login_code"),
    path("keluar/", members.logout_page, name="logout"),
    path("akun/", account.account_page, name="account"),
    path("akun/saldo.pdf", account.own_statement, {"fmt": "pdf"}, name="own_statement_pdf"),
    path("akun/saldo.csv", account.own_statement, {"fmt": "csv"}, name="own_statement_csv"),
    path("akun/pesan/", account.sent_messages, name="sent_messages"),
    path("akun/kontak/", account.change_contact, name="change_contact"),
    path("pulihkan/", members.recover, name="recover"),
    path("pulihkan/wajah/", face.recover_face, name="recover_face"),
    path("pulihkan/kata-sandi/", members.recover_password, name="recover_password"),
    path("wajah/kirim/", face.face_submit, name="face_submit"),
    path("wajah/kualitas/", face.face_quality, name="face_quality"),
    path("wajah/terkunci/", face.face_locked, name="face_locked"),
    path("tampilan/teks/", settings_pages.text_size, name="text_size"),
    # The claim wizard, one question per screen.
    path("klaim/", wizard.start, name="claim_start"),
    path("klaim/alasan/", wizard.reason, name="claim_reason"),
    path("klaim/data/", wizard.data, name="claim_data"),
    path("klaim/dokumen/", wizard.documents, name="claim_documents"),
    path("klaim/wajah/", wizard.claim_face, name="claim_face"),
    path("klaim/rekening/", wizard.bank, name="claim_bank"),
    path("klaim/jadwal/", wizard.schedule, name="claim_schedule"),
    path("klaim/tinjau/", wizard.review, name="claim_review"),
    path("klaim/unggah/", uploads.upload_open, name="upload_open"),
    path("klaim/unggah/<uuid:upload_id>/", uploads.upload_bytes, name="upload_bytes"),
    # After filing.
    path("klaim/status/", claim_status.claim_list, name="claim_list"),
    path("klaim/<uuid:claim_id>/", claim_status.claim_detail, name="claim_detail"),
    path("klaim/<uuid:claim_id>/perbaiki/", claim_status.claim_fix, name="claim_fix"),
    path("klaim/<uuid:claim_id>/batalkan/", claim_status.claim_cancel_page, name="claim_cancel"),
    path("klaim/<uuid:claim_id>/bukti-potong/", claim_status.claim_tax_slip, name="claim_tax_slip"),
]
