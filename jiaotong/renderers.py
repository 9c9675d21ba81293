"""The form renderer: Django's own Jinja2 templates of its widgets, with the
Django-template renderer behind them for the templates only it has (the
admin's widgets, a library's).

Why: a list page's filter bar of 8-12 widgets (a select renders one template
per option) was a quarter of the page's time; Django ships the same widgets as
Jinja2 templates, which render the same HTML several times faster (issue 14:
the window, ticket and case lists 31 / 29 / 25 -> 21 / 20 / 18 ms a page
in-process on the demo). The pages themselves stay Django templates."""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class WidgetRenderer(BaseRenderer):
    def __init__(self):
        self.fast = Jinja2()
        self.fallback = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self.fast.get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
