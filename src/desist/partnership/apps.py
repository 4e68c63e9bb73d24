from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "desist.partnership"
    label = "partnership"
