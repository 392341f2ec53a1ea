from django.urls import path

from trygg.walks import views

app_name = "walks"

urlpatterns = [
    path("trygghetsvandringar/", views.index, name="index"),
    path("trygghetsvandringar/<str:code>/ny/", views.plan, name="plan"),
    path("trygghetsvandringar/<str:code>/<int:pk>/andra/", views.plan, name="edit"),
    path("trygghetsvandringar/<int:pk>/", views.walk_page, name="walk"),
    path("trygghetsvandringar/<int:pk>/stopp/", views.stop_new, name="stop_new"),
    path("trygghetsvandringar/<int:pk>/status/", views.walk_status, name="status"),
    path("trygghetsvandringar/<int:pk>/rapport/", views.walk_report, name="report"),
    path("trygghetsvandringar/<int:pk>/rapport.pdf", views.walk_report_pdf, name="report_pdf"),
    path("trygghetsvandringar/foton/<int:pk>/", views.stop_photo, name="photo"),
    path("trygghetsvandringar/stopp/<int:pk>/omvandla/", views.convert, name="convert"),
    path("trygghetsvandringar/checklistor/", views.checklist_list, name="checklists"),
    path("trygghetsvandringar/checklistor/<int:pk>/", views.checklist_edit, name="checklist_edit"),
    path("trygghetsvandringar/checklistor/<int:pk>/kopiera/", views.checklist_copy, name="checklist_copy"),
]
