from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "openprecinct.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from openprecinct.accounts import signals  # noqa: F401
        from openprecinct.accounts.dashboard import accounts_tasks
        from openprecinct.core.dashboard import register

        register(accounts_tasks)
