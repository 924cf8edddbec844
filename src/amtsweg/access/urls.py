from django.urls import URLPattern, URLResolver, path

from amtsweg.access import views

app_name = "access"

urlpatterns: list[URLPattern | URLResolver] = [
    path("anmelden/zweiter-faktor/", views.otp_verify, name="otp_verify"),
    path("zweiter-faktor/einrichten/", views.otp_setup, name="otp_setup"),
    path("zweiter-faktor/wiederherstellungscodes/", views.recovery_codes, name="recovery_codes"),
    path("zweiter-faktor/zuruecksetzen/", views.otp_reset, name="otp_reset"),
    path("freigaben/", views.approvals, name="approvals"),
]
