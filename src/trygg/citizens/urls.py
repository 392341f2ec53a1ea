from django.urls import path, re_path

from . import open311, public_map_views, views

app_name = "citizens"

urlpatterns = [
    path("kvitto/", views.receipt_campaign, name="receipt_campaign"),
    path("kvitto/rapportera/", views.receipt_new, name="receipt_new"),
    path("tips/", views.tip_new, name="tip_new"),
    path("tips/nara/", views.tip_nearby, name="tip_nearby"),
    path("tips/jag-ocksa/", views.tip_me_too, name="tip_me_too"),
    path("tips/tack/<str:public_id>/", views.tip_thanks, name="tip_thanks"),
    path("tips/status/<str:public_id>/", views.tip_status, name="tip_status"),
    path("tips/uppfoljning/<str:token>/", views.tip_followup, name="followup"),
    path("karta/<str:code>/", public_map_views.public_map, name="public_map"),
    path("trygghetsundersokning/<int:pk>/", views.survey_answer, name="survey"),
    path("invanare/tips/", views.tip_triage, name="triage"),
    path("invanare/tips/<int:pk>/", views.tip_detail, name="tip_detail"),
    path("invanare/tips/<int:pk>/atgard/", views.tip_action, name="tip_action"),
    path("invanare/tips/<int:pk>/svar/", views.tip_reply, name="tip_reply"),
    path("invanare/tips/<int:pk>/foto/", views.tip_photo, name="tip_photo"),
    path("invanare/kvitton/", views.receipt_summary, name="receipt_summary"),
    path("invanare/undersokningar/", views.survey_list, name="survey_list"),
    path("invanare/undersokningar/ny/<str:code>/", views.survey_new, name="survey_new"),
    path("invanare/undersokningar/<int:pk>/", views.survey_results, name="survey_results"),
]

open311_patterns = [
    path("", open311.base, name="base"),
    re_path(r"^discovery\.(?P<fmt>\w+)$", open311.discovery, name="discovery"),
    re_path(r"^services\.(?P<fmt>\w+)$", open311.services, name="services"),
    re_path(r"^services/(?P<code>[\w-]+)\.(?P<fmt>\w+)$", open311.service_definition, name="service"),
    re_path(r"^requests\.(?P<fmt>\w+)$", open311.requests_view, name="requests"),
    re_path(r"^requests/(?P<request_id>[\w-]+)\.(?P<fmt>\w+)$", open311.request_detail, name="request"),
    re_path(r"^tokens/(?P<token_id>[\w-]+)\.(?P<fmt>\w+)$", open311.token, name="token"),
]
