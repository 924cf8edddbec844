from django.urls import path

from amtsweg.catalog import views

app_name = "catalog"

urlpatterns = [
    path("leistungen/", views.service_list, name="service_list"),
    path("leistungen/<slug:slug>/", views.service_detail, name="service_detail"),
    path("lebenslagen/<slug:slug>/", views.lebenslage_detail, name="lebenslage"),
    path("themenfelder/<slug:slug>/", views.themenfeld_detail, name="themenfeld"),
    path("suche/", views.search, name="search"),
]
