from django.urls import path

from amtsweg.fitconnect import views

app_name = "fitconnect"
urlpatterns = [
    path("callback/<uuid:destination_id>/", views.callback, name="callback"),
]
