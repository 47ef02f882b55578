"""Run once per benchmark, in the benchmark's own copy of the generated borough: choose the
subjects of the key pages, give the chosen resident a 200-entry timeline, and let each person
the benchmark acts as sign in (a password and an authenticator). Prints what the driver needs,
as JSON.

    DATABASE_URL=… python -m bench.prepare
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from typing import Any


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thurrock_care.settings")
    import django

    django.setup()

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db import transaction

    from thurrock_care.accounts.models import User
    from thurrock_care.synthetic import key_pages

    with transaction.atomic():
        subjects = key_pages.choose()
        added = key_pages.prepare(subjects)
        administrator = User.objects.filter(email="bench-admin@thurrock-care.invalid").first()
        if administrator is None:
            administrator = User.objects.create_superuser(
                email="bench-admin@thurrock-care.invalid",
                password=None,
                full_name="Benchmark Administrator",
            )
        people: dict[str, Any] = {}
        for role, user in {
            "practitioner": subjects.practitioner,
            "coordinator": subjects.coordinator,
            "manager": subjects.manager,
            "worker": subjects.worker,
            "administrator": administrator,
        }.items():
            password = secrets.token_urlsafe(18)
            user.set_password(password)
            user.save(update_fields=["password"])
            Authenticator.objects.filter(user=user).delete()
            secret = generate_totp_secret()
            TOTP.activate(user, secret)
            people[role] = {"email": user.email, "password": password, "totp": secret}
    pages = [
        {
            "name": page.name,
            "role": page.role,
            "path": page.path,
            "expect": page.expect,
            "method": page.method,
            "form": _form_template(page.form()) if page.form else None,
        }
        for page in key_pages.pages(subjects)
    ]
    json.dump(
        {
            "people": people,
            "pages": pages,
            "searches": subjects.searches,
            "timeline_added": added,
            "day": subjects.day.isoformat(),
        },
        sys.stdout,
    )


def _form_template(form: dict[str, str]) -> str:
    """The form as a request body, with the one-use key left for each request to fill in."""
    from urllib.parse import urlencode

    form = {**form, "submission_key": "__KEY__"}
    return urlencode(form)


if __name__ == "__main__":
    main()
