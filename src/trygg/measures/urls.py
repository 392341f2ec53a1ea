from django.urls import path

from trygg.measures import views

app_name = "measures"

urlpatterns = [
    path("atgarder/", views.index, name="index"),
    path("atgarder/erfarenheter/", views.library, name="library"),
    path("atgarder/moten/", views.meeting_list, name="meetings"),
    path("atgarder/moten/nytt/", views.meeting_new, name="meeting_new"),
    path("atgarder/moten/<int:pk>/", views.meeting_detail, name="meeting"),
    path("atgarder/<str:code>/problemplatser/ny/", views.place_edit, name="place_new"),
    path("atgarder/<str:code>/problemplatser/<int:pk>/andra/", views.place_edit, name="place_edit"),
    path("atgarder/problemplatser/<int:pk>/", views.place_detail, name="place"),
    path("atgarder/<str:code>/ny/", views.measure_edit, name="measure_new"),
    path("atgarder/<str:code>/<int:pk>/andra/", views.measure_edit, name="measure_edit"),
    path("atgarder/<int:pk>/", views.measure_detail, name="measure"),
    path("atgarder/<str:code>/overenskommelser/ny/", views.agreement_edit, name="agreement_new"),
    path("atgarder/overenskommelser/<int:pk>/", views.agreement_detail, name="agreement"),
    path("atgarder/<str:code>/plan/<int:year>/", views.action_plan, name="plan"),
    path("atgarder/<str:code>/plan/<int:year>/docx/", views.action_plan_docx, name="plan_docx"),
    path("vad-vi-gor/", views.public_measures, name="public"),
]
