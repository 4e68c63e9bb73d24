from django.urls import path

from desist.accounts import views

urlpatterns = [
    path("accounts/two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/backup-codes/", views.backup_codes, name="two_factor_backup_codes"),
    path("accounts/two-factor/turn-off/", views.two_factor_remove, name="two_factor_remove"),
    path("accounts/", views.account, name="account"),
    path("accounts/users/", views.users, name="account_users"),
    path("accounts/users/<id:user_id>/reset/", views.user_reset, name="account_user_reset"),
    path("accounts/set-password/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="password_set"),
]
