from django.urls import path

from portals.admin import views

app_name = "portals_admin"

urlpatterns = [
    path("", views.AdminHomeView.as_view(), name="home"),
]
