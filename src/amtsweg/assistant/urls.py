from django.urls import URLPattern, URLResolver, path

from amtsweg.assistant import views

app_name = "assistant"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ask, name="ask"),
    path("anliegen/", views.request_route, name="request"),
    path("qualitaet/", views.quality, name="quality"),
]
