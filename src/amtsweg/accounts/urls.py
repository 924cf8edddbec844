from django.urls import URLPattern, URLResolver, include, path

from amtsweg.accounts import views

app_name = "accounts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview, name="overview"),
    path("registrieren/", views.register, name="register"),
    path("registrieren/gesendet/", views.register_sent, name="register_sent"),
    path("bestaetigen/<str:token>/", views.verify, name="verify"),
    path("anmelden/", views.login_view, name="login"),
    # DeutschlandID and OpenID Connect bring their own pages: accounts:login_providers:…
    path("anmelden/", include("amtsweg.accounts.providers.urls")),
    path("abmelden/", views.logout_view, name="logout"),
    path("passwort-vergessen/", views.reset_request, name="reset_request"),
    path("passwort-vergessen/gesendet/", views.reset_sent, name="reset_sent"),
    path("passwort-neu/<str:token>/", views.reset_confirm, name="reset_confirm"),
    path("profil/", views.profile_edit, name="profile"),
    path("e-mail/", views.email_change, name="email_change"),
    path("e-mail/bestaetigen/<str:token>/", views.email_confirm, name="email_confirm"),
    path("loeschen/", views.delete_account, name="delete"),
    path("im-namen-von/", views.acting_for_choose, name="acting_for"),
    path("organisationen/neu/", views.organisation_create, name="organisation_create"),
    path("organisationen/<id:pk>/", views.organisation_detail, name="organisation"),
    path("organisationen/<id:pk>/einladen/", views.organisation_invite, name="organisation_invite"),
    path(
        "organisationen/<id:pk>/mitglieder/<id:member_pk>/entfernen/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "organisationen/<id:pk>/mitglieder/<id:member_pk>/verwaltung/",
        views.member_admin,
        name="member_admin",
    ),
    path("einladung/<str:token>/", views.invitation, name="invitation"),
]
