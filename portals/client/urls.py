from django.urls import path

from portals.client import views

app_name = "portals_client"

urlpatterns = [
    path("", views.ClientHomeView.as_view(), name="home"),
]
