"""URLs of the journal: staff pages, and the client's own pages in the portal."""

from django.urls import URLPattern, path

from somatrace.journal import views

urlpatterns: list[URLPattern] = [
    path("journal/entries/<int:entry_id>/map.png", views.entry_png, name="journal_entry_png"),
    path("practice/checkins/", views.settings_view, name="journal_settings"),
    # The client's own pages (the portal's decorator: only a signed-in client, their data).
    path("portal/journal/", views.portal_journal, name="portal_journal"),
    path("portal/journal/entries/", views.portal_journal_create, name="portal_journal_create"),
    path("portal/journal/write/", views.portal_journal_write, name="portal_journal_write"),
    path(
        "portal/journal/<int:entry_id>/share/",
        views.portal_journal_share,
        name="portal_journal_share",
    ),
    path(
        "portal/journal/<int:entry_id>/map.png",
        views.portal_journal_entry_png,
        name="portal_journal_entry_png",
    ),
    path("portal/checkins/<int:checkin_id>/", views.portal_checkin, name="portal_checkin"),
]
