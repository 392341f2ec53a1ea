from django.urls import path

from trygg.site import views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("jobb/", views.jobs_page, name="jobs"),
]
