from django.urls import path

from trygg.screening import log_view, network_view, views

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
]
