from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "desist.web"
    label = "web"

    def ready(self) -> None:
        from django.urls import register_converter

        from desist.web.converters import IdConverter

        # Before any URL configuration is read: every id in a path is `<id:...>` (pages) or `{id:...}` (API).
        register_converter(IdConverter, "id")
