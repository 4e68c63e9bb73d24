from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "desist.accounts"
    label = "accounts"
    verbose_name = "Sign-in and accounts"
