from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from trygg.citizens.urls import open311_patterns

urlpatterns = [
    path("", include("trygg.core.urls")),
    path("", include("trygg.incidents.urls")),
    path("", include("trygg.situation.urls")),
    path("", include("trygg.screening.urls")),
    path("", include("trygg.citizens.urls")),
    path("", include("trygg.measures.urls")),
    path("open311/v2/", include((open311_patterns, "open311"))),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
