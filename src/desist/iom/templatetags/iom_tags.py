from django import template
from django.forms import BoundField, Form

register = template.Library()


@register.filter
def get_field(form: Form, name: str) -> BoundField:
    return form[name]
