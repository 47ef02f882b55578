"""Nothing typed is lost to an expired session or a dropped connection, on any form that
uses this (the conversation forms, a Wellbeing Team visit record). Such forms are behind
`login_required_keeping_post`: a POST that arrives signed out (the session ran out while they
were typing) is kept in the (anonymous) session under the form's address, and they are sent
to sign in. Signing in keeps that session's data (Django rotates its key), so when the form is
shown again it comes back filled, from `take_kept` — but only for the person who typed it (the
form says who, in `draft_author`, signed by the server so that nobody can claim a kept form
is someone else's): someone else signing in on the same browser never sees it. What is kept
is bounded (a few forms, a few thousand characters a field) so anonymous posts cannot fill
the session store.

In the browser, static/js/drafts.mjs also keeps a draft in sessionStorage while typing (keyed
by user and form, cleared on saving and on signing out); `mark_saved` tells it which draft to
drop. The submission key travels with both, so saving after all that makes one conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import HttpRequest, HttpResponse, QueryDict

KEPT = "drafts:kept_posts"
KEEP_AT_MOST = 5  # forms kept per session
SAVED_COOKIE = "tc_saved_submission"
AUTHOR_FIELD = "draft_author"
AUTHOR_SALT = "thurrock_care.drafts.author"
KEEP_FIELDS = 60  # fields kept per form
KEEP_CHARS = 20_000  # characters kept per value (a conversation's text is far shorter)


def author_token(user: Any) -> str:
    """What a form carries in `draft_author`: the signed-in person's id, signed."""
    return signing.dumps(user.pk, salt=AUTHOR_SALT)


def _author(token: str) -> str:
    try:
        return str(signing.loads(token, salt=AUTHOR_SALT))
    except signing.BadSignature:
        return ""


def login_required_keeping_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            kept = dict(request.session.get(KEPT, {}))
            kept.pop(request.path, None)
            author = _author(request.POST.get(AUTHOR_FIELD, ""))
            fields = [(name, values) for name, values in request.POST.lists()
                      if name not in ("csrfmiddlewaretoken", AUTHOR_FIELD)]  # fmt: skip
            if author:  # only forms the product gave a signed-in person are kept
                data = {name[:100]: [v[:KEEP_CHARS] for v in values[:50]]
                        for name, values in fields[:KEEP_FIELDS]}  # fmt: skip
                kept[request.path] = {"author": author, "data": data}
            request.session[KEPT] = dict(list(kept.items())[-KEEP_AT_MOST:])
        return redirect_to_login(request.get_full_path())

    return wrapper


def take_kept(request: HttpRequest) -> QueryDict | None:
    """What this person typed into this form before they had to sign in again, once."""
    kept = request.session.get(KEPT)
    if not kept or request.path not in kept:
        return None
    entry = kept.pop(request.path)
    request.session[KEPT] = kept
    if entry.get("author") != str(request.user.pk):
        return None  # typed by someone else on this browser: never shown
    data = QueryDict(mutable=True)
    for name, values in entry.get("data", {}).items():
        data.setlist(name, [str(v) for v in values])
    return data


def mark_saved(response: HttpResponse, submission_key: object) -> HttpResponse:
    """Tell the browser that the draft with this submission key is saved (it drops it)."""
    if submission_key:
        response.set_cookie(
            SAVED_COOKIE,
            str(submission_key),
            max_age=300,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response
