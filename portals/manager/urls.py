from django.urls import path

from portals.manager import views

app_name = "portals_manager"

urlpatterns = [
    path("", views.ManagerHomeView.as_view(), name="home"),
    path("customers/", views.CustomerListView.as_view(), name="customer_list"),
]
