from django.urls import path

from trygg.sso import views

app_name = "sso"

urlpatterns = [
    path("accounts/sso/<str:name>/", views.start, name="start"),
    path("accounts/sso/<str:name>/klar/", views.callback, name="callback"),
    path("inloggning/kopplingar/", views.mappings, name="mappings"),
    path("inloggning/kopplingar/<int:pk>/ta-bort/", views.mapping_delete, name="mapping_delete"),
]
