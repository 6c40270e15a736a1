from django.urls import path

from cairkan.guidance import views

urlpatterns = [
    path("cek-kelayakan/", views.eligibility, name="eligibility"),
    path("panduan/", views.guide, name="guide"),
]
