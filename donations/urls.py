from django.urls import path

from donations import views

app_name = "donations"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("espace/", views.donor_space_request, name="donor_space_request"),
    path("espace/<str:token>/", views.donor_space_view, name="donor_space"),
    path("espace/<str:token>/recu/<int:pk>/", views.receipt_download, name="receipt"),
]
