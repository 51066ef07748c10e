"""`{% load timeline %}` then `{{ timeline|timeline_items }}`: a staff page's history items."""

from django import template

from portals.timeline_html import timeline_items_html

register = template.Library()
register.filter("timeline_items", timeline_items_html)
