"""URLs of billing, included at the site root by somatrace/urls.py."""

from django.urls import URLPattern, path

from somatrace.billing.views import portal, staff

urlpatterns: list[URLPattern] = [
    path("clients/<int:client_id>/invoices/", staff.client_invoices_page, name="client_invoices"),
    path("clients/<int:client_id>/invoices/new/", staff.invoice_new, name="invoice_new"),
    path(
        "clients/<int:client_id>/invoices/package/",
        staff.invoice_package_new,
        name="invoice_package_new",
    ),
    path("clients/<int:client_id>/invoices/use-package/", staff.package_use, name="package_use"),
    path("invoices/<int:invoice_id>/", staff.invoice_detail, name="invoice_detail"),
    path("invoices/<int:invoice_id>/pay/", staff.invoice_payment, name="invoice_payment"),
    path("invoices/<int:invoice_id>/refund/", staff.invoice_refund, name="invoice_refund"),
    path("invoices/<int:invoice_id>/void/", staff.invoice_void, name="invoice_void"),
    path("invoices/<int:invoice_id>/pdf/", staff.invoice_pdf_download, name="invoice_pdf"),
    path(
        "invoices/<int:invoice_id>/superbill/",
        staff.invoice_superbill,
        name="invoice_superbill",
    ),
    path("receipts/<int:payment_id>/pdf/", staff.receipt_pdf_download, name="receipt_pdf"),
    path("practice/billing/", staff.billing_settings, name="billing_settings"),
    path("portal/invoices/", portal.portal_invoices, name="portal_invoices"),
    path(
        "portal/invoices/<int:invoice_id>/pdf/",
        portal.portal_invoice_pdf,
        name="portal_invoice_pdf",
    ),
    path(
        "portal/invoices/<int:invoice_id>/superbill/",
        portal.portal_invoice_superbill,
        name="portal_invoice_superbill",
    ),
]
