from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "desist.accounts"
    label = "accounts"
    verbose_name = "Sign-in and accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from desist.accounts.rules import signed_in

        # The idle clock starts at sign-in, written with the sign-in's own session save.
        user_logged_in.connect(signed_in, dispatch_uid="desist.accounts.signed_in")
