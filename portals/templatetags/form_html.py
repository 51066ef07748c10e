"""`{{ form|crispy_once }}` and `{{ form.field|crispy_field_once }}`: crispy's `crispy` and
`as_crispy_field`; `{{ form|html_once:"template.html" }}`: that template with `form`. The
HTML of an unbound form that allows it is kept (`portals.form_html`)."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import template
from django.template.loader import get_template

from portals.form_html import rendered_once

register = template.Library()


@register.filter
def crispy_once(form):
    return rendered_once(form, "", lambda: as_crispy_form(form))


@register.filter
def crispy_field_once(field):
    return rendered_once(field.form, field.name, lambda: as_crispy_field(field))


@register.filter
def html_once(form, template_name):
    return rendered_once(
        form, template_name, lambda: get_template(template_name).render({"form": form})
    )
