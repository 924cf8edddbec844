from django.urls import URLPattern, URLResolver, path

from amtsweg.cases import views, views_applicant

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = [
    # the applicant's side (views_applicant.py)
    path("zugang/<str:token>/", views_applicant.applicant_link, name="applicant_link"),
    path("mein/<str:reference>/", views_applicant.applicant_case, name="applicant_case"),
    path("mein/<str:reference>/antworten/", views_applicant.applicant_reply, name="applicant_reply"),
    path(
        "mein/<str:reference>/zurueckziehen/", views_applicant.applicant_withdraw, name="applicant_withdraw"
    ),
    path("mein/<str:reference>/bezahlen/", views_applicant.applicant_pay, name="applicant_pay"),
    path(
        "mein/<str:reference>/datei/<uuid:document_id>/",
        views_applicant.applicant_document,
        name="applicant_document",
    ),
    path(
        "mein/<str:reference>/bescheid/<uuid:letter_id>/",
        views_applicant.applicant_letter,
        name="applicant_letter",
    ),
    # the back office (views.py): staff with the second factor
    path("", views.inbox, name="inbox"),
    path("meine/", views.mine, name="mine"),
    path("zuweisen/", views.bulk_assign, name="bulk_assign"),
    path("akte/<str:reference>/", views.case_detail, name="case"),
    path("akte/<str:reference>/vermerk/", views.case_note, name="case_note"),
    path("akte/<str:reference>/nachricht/", views.case_message, name="case_message"),
    path("akte/<str:reference>/zugangslinks-sperren/", views.case_links_revoke, name="case_links_revoke"),
    path("akte/<str:reference>/zuweisung/", views.case_assign, name="case_assign"),
    path("akte/<str:reference>/weiterleiten/", views.case_forward, name="case_forward"),
    path("akte/<str:reference>/status/<slug:target>/", views.case_transition, name="case_transition"),
    path("akte/<str:reference>/datei/<uuid:file_id>/", views.case_file, name="case_file"),
    path("akte/<str:reference>/bescheid/<uuid:letter_id>/", views.case_letter, name="case_letter"),
]
