from django.urls import path

from somatrace.mail import views

urlpatterns = [
    path("mail/", views.outbox, name="mail_outbox"),
    path("mail/<int:email_id>/retry/", views.outbox_retry, name="mail_retry"),
]
