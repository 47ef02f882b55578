import uuid

from django import forms
from django.http import QueryDict

from thurrock_care.submissions import KEY_REUSED


class SubmissionKeyField(forms.UUIDField):
    """A one-off key made when the form is shown, so that sending it twice creates one record
    (see thurrock_care.submissions.once). A form sent without one is simply not de-duplicated."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, initial=uuid.uuid4, **kwargs)


def keep_typed_after_reuse(form: forms.BaseForm, data: QueryDict) -> None:
    """An old form sent again with other details (KeyReused): keep what was typed, explain,
    and give it a new key, so that the person can send it again if they meant a new record."""
    data["submission_key"] = str(uuid.uuid4())
    form.add_error(None, KEY_REUSED)
