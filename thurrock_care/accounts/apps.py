from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "thurrock_care.accounts"
    label = "accounts"
    verbose_name = "Accounts"
