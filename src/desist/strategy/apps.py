from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "desist.strategy"
    label = "strategy"
    verbose_name = "Strategy plan"
