from django.urls import path

from . import views

app_name = "forwarding"

urlpatterns = [
    path("vidarebefordran/", views.index, name="index"),
    path("vidarebefordran/<str:code>/ny/", views.destination_new, name="destination_new"),
    path("vidarebefordran/mottagare/<int:pk>/", views.destination_edit, name="destination_edit"),
    path("vidarebefordran/skickade/", views.forwardings, name="forwardings"),
    path("vidarebefordran/skickade/<int:pk>/forsok-igen/", views.retry, name="retry"),
    path("invanare/tips/<int:pk>/vidarebefordra/", views.forward_tip, name="forward_tip"),
]
