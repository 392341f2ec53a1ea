"""Password change and reset (Django's views, Swedish templates), the reset rate-limited per client address.

A reset mail is sent only to an address that belongs to an active user; the page says the same whether or not
one was found, so it cannot be used to find out who has an account. The subject line names nothing personal.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from trygg.core import ratelimit


class PasswordResetView(auth_views.PasswordResetView):
    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"

    def post(self, request, *args, **kwargs):
        if not ratelimit.allow(request, "password_reset"):
            return render(request, "registration/password_reset_limited.html", status=429)
        return super().post(request, *args, **kwargs)
