"""URLs of the outcome measures app, included at the site root by somatrace/urls.py."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
