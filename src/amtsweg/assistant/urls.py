from django.urls import URLPattern, URLResolver, path

from amtsweg.assistant import views, views_feedback

app_name = "assistant"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ask, name="ask"),
    path("anliegen/", views.request_route, name="request"),
    path("qualitaet/", views.quality, name="quality"),
    path("rueckmeldung/", views_feedback.feedback, name="feedback"),
    path("suchanfragen/", views_feedback.queries, name="queries"),
    path("suchanfragen/<int:pk>/", views_feedback.query_detail, name="query_detail"),
]
