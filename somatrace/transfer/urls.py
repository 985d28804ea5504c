from django.urls import path

from somatrace.transfer import views

urlpatterns = [
    path(
        "clients/<int:client_id>/subject-access/",
        views.client_subject_access,
        name="client_subject_access",
    ),
]
