from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form field renders through one template: label, help, errors, input."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
