"""Reads that assemble the locality pages."""

from itertools import groupby

from localities.models import Locality, Membership, Organisation


def members_by_kind(locality: Locality) -> list[tuple[str, list[Membership]]]:
    """The ILT's member organisations, grouped under their kind's label, in one query."""
    memberships = (
        Membership.objects.filter(locality=locality)
        .select_related("organisation")
        .order_by("organisation__kind", "organisation__name")
    )
    labels = dict(Organisation.Kind.choices)
    groups = [
        (labels[kind], list(items))
        for kind, items in groupby(memberships, key=lambda m: m.organisation.kind)
    ]
    return sorted(groups, key=lambda group: group[0])
