from django.urls import path

from trygg.situation import views

app_name = "situation"

urlpatterns = [
    path("lagesbild/", views.index, name="index"),
    path("lagesbild/jamforelse/", views.comparison, name="compare"),
    path("lagesbild/status/<int:pk>/", views.status, name="status"),
    path("lagesbild/<str:code>/<str:period>/", views.report, name="report"),
    path("lagesbild/<str:code>/<str:period>/pdf/", views.export_pdf, name="pdf"),
    path("lagesbild/<str:code>/<str:period>/docx/", views.export_docx, name="docx"),
    path("lagesbild/<str:code>/<str:period>/json/", views.export_json, name="json"),
    path("lagesbild/<str:code>/<str:period>/csv/<str:table>/", views.export_csv, name="csv"),
    path("lagesbild/<str:code>/<str:period>/analys/", views.narrative, name="narrative"),
]
