"""The accounts app's panels on the home page (registered in AccountsConfig.ready): the
administration site's main pages and how many active accounts each role has."""

from typing import Any

from django.db.models import Count

from thurrock_care.accounts.models import Role, User


def accounts_by_role(user: User) -> dict[str, Any]:
    """Active accounts per role, every role listed (one query)."""
    counts = dict(User.objects.filter(is_active=True).values_list("role").annotate(n=Count("id")))
    return {"accounts_by_role": [(role.label, counts.get(role.value, 0)) for role in Role]}
