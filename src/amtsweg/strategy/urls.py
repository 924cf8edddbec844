from django.urls import URLPattern, URLResolver, path

from amtsweg.strategy import views, views_knowledge, views_maturity, views_portfolio, views_report

app_name = "strategy"

urlpatterns: list[URLPattern | URLResolver] = [
    # Cockpit, Handlungsfelder and Quick-Check (views)
    path("", views.home, name="home"),
    path("handlungsfelder/<id:pk>/", views.field_edit, name="field_edit"),
    path("quick-check/", views.round_list, name="rounds"),
    path("quick-check/neu/", views.round_create, name="round_create"),
    path("quick-check/<id:pk>/", views.round_detail, name="round_detail"),
    path("quick-check/<id:pk>/bewerten/<id:authority_pk>/", views.round_rate, name="round_rate"),
    path("quick-check/<id:pk>/schliessen/", views.round_close, name="round_close"),
    path("quick-check/<id:pk>/ergebnis/", views.round_results, name="round_results"),
    path("quick-check/<id:pk>/entscheidung/<id:field_pk>/", views.decision_save, name="decision_save"),
    # Workshops, projects, budget, Stellenplan, funding (views_portfolio)
    path("workshops/", views_portfolio.workshops, name="workshops"),
    path("projekte/", views_portfolio.projects, name="projects"),
    path("projekte/<id:pk>/", views_portfolio.project_detail, name="project_detail"),
    path("haushalt/", views_portfolio.budget, name="budget"),
    path("stellenplan/", views_portfolio.positions, name="positions"),
    path("foerderung/", views_portfolio.funding, name="funding"),
    # OZG maturity dashboard (views_maturity)
    path("reifegrad/", views_maturity.maturity_dashboard, name="maturity"),
    path("reifegrad/export.<str:fmt>", views_maturity.maturity_export, name="maturity_export"),
    path("reifegrad/<slug:slug>/", views_maturity.maturity_service, name="maturity_service"),
    # Sachstandsbericht and table exports (views_report)
    path("berichte/", views_report.report_list, name="report_list"),
    path("berichte/<id:pk>/", views_report.report_edit, name="report_edit"),
    path("berichte/<id:pk>/bericht.pdf", views_report.report_pdf_download, name="report_pdf"),
    path("berichte/<id:pk>/bericht.docx", views_report.report_docx_download, name="report_docx"),
    path(
        "berichte/<id:pk>/tabellen/<slug:table>.<str:fmt>",
        views_report.table_export,
        name="report_table_export",
    ),
    path("tabellen/<slug:table>.<str:fmt>", views_report.table_export, name="table_export"),
    # Lösungsbörse and lessons learnt (views_knowledge)
    path("loesungen/", views_knowledge.knowledge_list, name="knowledge"),
    path("loesungen/anbieten/", views_knowledge.solution_offer, name="solution_offer"),
    path("loesungen/<id:pk>/", views_knowledge.solution_detail, name="solution_detail"),
    path("loesungen/<id:pk>/uebernehmen/", views_knowledge.solution_adopt_view, name="solution_adopt"),
    # generic create/edit of cockpit records (views_portfolio); keep last, the kind is a slug
    path("<slug:kind>/neu/", views_portfolio.record_edit, name="record_create"),
    path("<slug:kind>/<id:pk>/bearbeiten/", views_portfolio.record_edit, name="record_edit"),
    path("<slug:kind>/<id:pk>/loeschen/", views_portfolio.record_delete, name="record_delete"),
]
