from django.urls import path

from customers import views

# Under /accounts/, beside the login's own pages (accounts.urls).
app_name = "signup"

urlpatterns = [
    path("register/", views.register, name="register"),
]
