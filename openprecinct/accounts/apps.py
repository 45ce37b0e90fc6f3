from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openprecinct.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from openprecinct.accounts import signals  # noqa: F401
