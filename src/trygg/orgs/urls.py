"""In-product administration of organisations, members, cooperations and named places."""

from django.urls import path

from trygg.orgs import views

app_name = "orgs"

urlpatterns = [
    path("administration/", views.admin_index, name="admin"),
    path("organisationer/<slug:slug>/medlemmar/", views.members, name="members"),
    path("organisationer/<slug:slug>/medlemmar/<int:pk>/", views.member, name="member"),
    path("organisationer/<slug:slug>/medlemmar/<int:pk>/ta-bort/", views.member_remove, name="member_remove"),
    path("organisationer/<slug:slug>/inbjudan/", views.invite, name="invite"),
    path(
        "organisationer/<slug:slug>/inbjudan/<int:pk>/aterkalla/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("inbjudan/<str:token>/", views.accept, name="accept"),
    path("samverkan/<slug:slug>/", views.cooperation, name="cooperation"),
    path("samverkan/<slug:slug>/ny-partner/", views.cooperation_partner, name="cooperation_partner"),
    path("samverkan/<slug:slug>/ta-bort/<int:org>/", views.cooperation_remove, name="cooperation_remove"),
    path("samverkan/forfragan/<int:pk>/", views.partner_request, name="partner_request"),
    path(
        "samverkan/<slug:slug>/forfragan/<int:pk>/dra-tillbaka/",
        views.partner_request_withdraw,
        name="partner_request_withdraw",
    ),
    path("kommun/<str:code>/platser/", views.places, name="places"),
    path("kommun/<str:code>/platser/ny/", views.place_edit, name="place_new"),
    path("kommun/<str:code>/platser/<int:pk>/", views.place_edit, name="place_edit"),
    path("kommun/<str:code>/platser/<int:pk>/ta-bort/", views.place_delete, name="place_delete"),
]
