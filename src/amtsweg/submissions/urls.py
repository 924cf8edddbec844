"""Addresses of the online application (``/antrag/…``)."""

from django.urls import URLPattern, URLResolver, path

from amtsweg.submissions import views, views_preview, views_receipt

app_name = "submissions"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("meine/", views.mine, name="mine"),
    path("fortsetzen/<str:token>/", views.resume, name="resume"),
    path("entwurf/<uuid:draft_id>/zusammenfassung/", views.summary, name="summary"),
    path("entwurf/<uuid:draft_id>/absenden/", views.submit, name="submit"),
    path("entwurf/<uuid:draft_id>/gespeichert/", views.saved, name="saved"),
    path("entwurf/<uuid:draft_id>/loeschen/", views.delete, name="delete"),
    path("entwurf/<uuid:draft_id>/<slug:step_key>/", views.step, name="step"),
    path("eingang/<uuid:submission_id>/", views_receipt.receipt, name="receipt"),
    path("eingang/zugang/<str:token>/", views_receipt.receipt_access, name="receipt_access"),
    path("eingang/<uuid:submission_id>/bestaetigung.pdf", views_receipt.receipt_pdf, name="receipt_pdf"),
    path("demo-postausgang/", views_receipt.demo_outbox, name="demo_outbox"),
    path("vorschau/<id:version_id>/", views_preview.preview, name="preview"),
    path("vorschau/<id:version_id>/<slug:step_key>/", views_preview.preview, name="preview_step"),
    path("<slug:form_key>/", views.start, name="start"),
]
