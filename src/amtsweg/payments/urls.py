from django.urls import path

from amtsweg.payments import views

app_name = "payments"

urlpatterns = [
    path("entwurf/<uuid:draft_id>/", views.draft_pay, name="draft"),
    path("antrag/<uuid:submission_id>/", views.submission_pay, name="submission"),
    path("rueckkehr/<uuid:payment_id>/<str:token>/", views.payment_return, name="return"),
]
