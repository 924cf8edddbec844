from django.urls import path

from amtsweg.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("leichte-sprache/", views.easy_language, name="easy_language"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
]
