from django.urls import path

from portals.admin import views, workflows

app_name = "portals_admin"

urlpatterns = [
    path("", views.AdminHomeView.as_view(), name="home"),
    path("workflows/", workflows.workflow_list, name="workflow_list"),
    path("workflows/new/", workflows.workflow_edit, name="workflow_new"),
    path("workflows/<int:pk>/", workflows.workflow_edit, name="workflow_edit"),
    path("workflows/<int:pk>/history/", workflows.workflow_history, name="workflow_history"),
]
