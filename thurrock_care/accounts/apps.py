from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "thurrock_care.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        """allauth's pages change passwords and authenticators themselves and say so only by
        signals: each is written to the audit trail like every other change."""
        from allauth.account import signals as account_signals
        from allauth.mfa import signals as mfa_signals

        from thurrock_care.accounts.services import record_sign_in_change
        from thurrock_care.audit.models import Action

        def receiver(action: Action):
            def record(sender, request=None, user=None, authenticator=None, **kwargs) -> None:
                details = {"type": authenticator.type} if authenticator is not None else None
                record_sign_in_change(user=user, action=action, request=request, details=details)

            return record

        for signal, action in [
            (account_signals.password_changed, Action.PASSWORD_CHANGED),
            (account_signals.password_set, Action.PASSWORD_CHANGED),
            (account_signals.password_reset, Action.PASSWORD_CHANGED),
            (mfa_signals.authenticator_added, Action.AUTHENTICATOR_ADDED),
            (mfa_signals.authenticator_removed, Action.AUTHENTICATOR_REMOVED),
            (mfa_signals.authenticator_reset, Action.RECOVERY_CODES_RENEWED),
        ]:
            signal.connect(receiver(action), weak=False, dispatch_uid=f"audit-{action}")

        from thurrock_care import access, panels
        from thurrock_care.accounts import panels as home

        # The home page's panels for administrators (docs/timeline-and-panels.md).
        panels.register_panel(
            "administration",
            template="accounts/_home_administration.html",
            shown_to=access.is_administrator,
            order=20,
        )
        panels.register_panel(
            "accounts_by_role",
            template="accounts/_home_accounts_by_role.html",
            shown_to=access.is_administrator,
            context=home.accounts_by_role,
            order=40,
        )
