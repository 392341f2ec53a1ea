from django.urls import path

from trygg.core import notifications, pwa

app_name = "core"

urlpatterns = [
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("utan-nat/", pwa.offline, name="offline"),
    path("accounts/utkorg/", pwa.outbox_session, name="outbox_session"),
    path("accounts/meddelanden/", notifications.preferences, name="messages"),
    path("meddelanden/avsluta/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
]
