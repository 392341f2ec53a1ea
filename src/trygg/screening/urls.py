from django.urls import path

from trygg.screening import applicant_views, log_view, network_view, procedure_views, views

app_name = "screening"

urlpatterns = [
    path("granskning/", views.index_view, name="index"),
    path("granskning/verifiera/", views.verify, name="verify"),
    path("granskning/arenden/nytt/", views.case_new, name="case_new"),
    path("granskning/arenden/<int:pk>/", views.case_detail, name="case"),
    path("granskning/arenden/<int:pk>/granska/", views.case_run, name="run"),
    path("granskning/arenden/<int:pk>/bolagsverket/", views.case_fetch_registry, name="fetch_registry"),
    path("granskning/arenden/<int:pk>/bedomning/", views.case_decide, name="decide"),
    path("granskning/arenden/<int:pk>/nya-traffar-sedda/", views.rescreening_seen, name="rescreening_seen"),
    path("granskning/arenden/<int:pk>/utlamnande/", views.case_disclose, name="disclose"),
    path("granskning/arenden/<int:pk>/natverk/", network_view.case_network, name="network"),
    path("granskning/arenden/<int:pk>/utdrag/<int:party>/", views.party_extract, name="extract"),
    path("granskning/fynd/<int:pk>/bedom/", views.finding_judge, name="judge"),
    path("granskning/aktorer/<int:pk>/", views.entity_detail, name="entity"),
    path("granskning/sok/", views.search, name="search"),
    path("granskning/listor/", views.datasets, name="datasets"),
    path("granskning/logg/", log_view.screening_log, name="log"),
    path("granskning/formular/<str:code>/<str:kind>/", procedure_views.questionnaire_edit, name="questionnaire_edit"),
    path("granskning/arenden/<int:pk>/handlaggning/", procedure_views.procedure_page, name="procedure"),
    path("granskning/arenden/<int:pk>/formular/", procedure_views.questionnaire_send, name="questionnaire_send"),
    path("granskning/arenden/<int:pk>/remiss/", procedure_views.request_send, name="request_send"),
    path("granskning/arenden/<int:pk>/remiss/<int:rid>/", procedure_views.request_document, name="request_document"),
    path("granskning/arenden/<int:pk>/remiss/<int:rid>/svar/", procedure_views.request_answer, name="request_answer"),
    path("granskning/arenden/<int:pk>/kommunicering/", procedure_views.hearing_send, name="hearing_send"),
    path(
        "granskning/arenden/<int:pk>/kommunicering/<int:hid>/",
        procedure_views.hearing_document,
        name="hearing_document",
    ),
    path(
        "granskning/arenden/<int:pk>/kommunicering/<int:hid>/svar/", procedure_views.hearing_reply, name="hearing_reply"
    ),
    path("granskning/arenden/<int:pk>/beslut/", procedure_views.licence_decide, name="licence_decide"),
    path("granskning/arenden/<int:pk>/beslut/<int:did>/", procedure_views.decision_document, name="decision_document"),
    path("granskning/arenden/<int:pk>/akt/", procedure_views.court_file, name="court_file"),
    path("granskning/arenden/<int:pk>/handlingar/<int:doc>/", procedure_views.case_document, name="case_document"),
]

# the applicant's one-time links (no login)
public_patterns = [path("<str:token>/", applicant_views.applicant, name="applicant")]
