from django.urls import path

from trygg.incidents import views

app_name = "incidents"

urlpatterns = [
    path("m/<str:code>/", views.dashboard, name="dashboard"),
    path("m/<str:code>/incidents/", views.incident_list, name="list"),
    path("incidents/<int:pk>/", views.incident_detail, name="detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="edit"),
    path("incidents/<int:pk>/foto/<int:photo>/", views.incident_photo, name="photo"),
    path("report/", views.report, name="report"),
    path("report/mina/", views.my_reports, name="mine"),
    path("report/import/", views.import_file, name="import"),
]
