from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from trygg.citizens.urls import open311_patterns
from trygg.core import accounts
from trygg.orgs import two_factor
from trygg.screening.urls import public_patterns as screening_public

urlpatterns = [
    path("", include("trygg.site.urls")),
    path("", include("trygg.core.urls")),
    path("", include("trygg.incidents.urls")),
    path("", include("trygg.situation.urls")),
    path("", include("trygg.screening.urls")),
    path("", include("trygg.citizens.urls")),
    path("", include("trygg.measures.urls")),
    path("", include("trygg.orgs.urls")),
    path("", include("trygg.sso.urls")),
    path("", include("trygg.walks.urls")),
    path("", include("trygg.forwarding.urls")),
    path("", include("trygg.partnercheck.urls")),
    path("open311/v2/", include((open311_patterns, "open311"))),
    path("ansokan/", include((screening_public, "screening_public"))),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", login_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/", two_factor.account, name="account"),
    path("accounts/tvastegs/verifiera/", two_factor.verify, name="two_factor_verify"),
    path("accounts/tvastegs/av/", two_factor.turn_off, name="two_factor_off"),
    path("accounts/losenord/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/losenord/klart/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/aterstall/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/aterstall/skickat/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/aterstall/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/aterstall/klart/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),  # residents choose a language too
    path("admin/", admin.site.urls),
]
