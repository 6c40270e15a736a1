"""The member pages: registration, login, account, recovery and the face step."""

from django.urls import path

from cairkan.web import face, members

urlpatterns = [
    path("daftar/", members.register, name="register"),
    path("daftar/kontak/", members.register_contact, name="register_contact"),
    path("daftar/kata-sandi/", members.register_password, name="register_password"),
    path("daftar/wajah/", face.register_face, name="register_face"),
    path("masuk/", members.login_page, name="login"),
    path("masuk/kode/", members.login_code, name="login_code"),
    path("keluar/", members.logout_page, name="logout"),
    path("akun/", members.account_page, name="account"),
    path("pulihkan/", members.recover, name="recover"),
    path("pulihkan/wajah/", face.recover_face, name="recover_face"),
    path("pulihkan/kata-sandi/", members.recover_password, name="recover_password"),
    path("wajah/kirim/", face.face_submit, name="face_submit"),
    path("wajah/kualitas/", face.face_quality, name="face_quality"),
    path("wajah/terkunci/", face.face_locked, name="face_locked"),
]
