from django.urls import path

from trygg.partnercheck import views

app_name = "partnercheck"

urlpatterns = [
    path("foretagskontroll/", views.index, name="index"),
    path("foretagskontroll/<int:pk>/", views.check_detail, name="check"),
    path("foretagskontroll/<int:pk>/kvitto.pdf", views.check_pdf, name="pdf"),
    path("foretagskontroll/<int:pk>/tipsa/", views.concern_new, name="concern_new"),
    path("foretagskontroll/tips/", views.concerns, name="concerns"),
    path("foretagskontroll/tips/<int:pk>/hanterad/", views.concern_handled, name="concern_handled"),
]
