from django.urls import path

from trygg.core import jobs_views, notifications, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("jobb/", jobs_views.jobs_page, name="jobs"),
    path("accounts/meddelanden/", notifications.preferences, name="messages"),
    path("meddelanden/avsluta/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
]
