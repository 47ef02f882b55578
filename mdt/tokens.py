"""The availability link: answering an MDT's time slots without an account.

A token is signed (TimestampSigner, its own salt) and names one MDT, one invitation and the
invitation's current link nonce. It is refused — with the same 404 as no token at all — when
it is tampered with, older than MDT_LINK_MAX_AGE, for another MDT, replaced by a newer link
(new slots proposed), or when the MDT no longer looks for a time.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from mdt.models import Invitation, Mdt

SALT = "mdt.availability"


def make(invitation: Invitation) -> str:
    payload = {"m": invitation.mdt_id, "i": invitation.pk, "n": invitation.link_nonce.hex}
    return signing.TimestampSigner(salt=SALT).sign_object(payload, compress=True)


def link(invitation: Invitation) -> str:
    return reverse("mdt:availability", args=[make(invitation)])


def invitation_for(token: str) -> Invitation | None:
    """The invitation the token was made for, if it still answers; else None."""
    if len(token) > 500:
        return None
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(
            token, max_age=settings.MDT_LINK_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, dict):
        return None
    try:
        mdt_id, invitation_id, nonce = int(payload["m"]), int(payload["i"]), str(payload["n"])
    except (KeyError, TypeError, ValueError):
        return None
    invitation = (
        Invitation.objects.select_related("mdt__locality", "mdt__resident", "organisation")
        .filter(pk=invitation_id, mdt_id=mdt_id)
        .first()
    )
    if invitation is None or invitation.link_nonce.hex != nonce:
        return None
    if invitation.mdt.status not in (Mdt.Status.REQUESTED, Mdt.Status.FINDING):
        return None
    return invitation
