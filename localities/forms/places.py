"""Form fields for places: a UK postcode typed any way, a neighbourhood, a locality."""

from __future__ import annotations

from django import forms
from django.core.validators import slug_re
from localflavor.gb.forms import GBPostcodeField

from localities.models import Locality, Neighbourhood
from localities.search import normalise_typed


class PostcodeField(GBPostcodeField):
    """A UK postcode, also when typed in full-width characters or other digits."""

    def clean(self, value: object) -> str:
        return super().clean(normalise_typed(value) if isinstance(value, str) else value)


class NeighbourhoodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Neighbourhood) -> str:
        return f"{obj.name} ({obj.locality.short_name})"


class LocalityChoiceField(forms.ModelChoiceField):
    """A locality chosen by its slug; anything that is not a slug is simply not a choice."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            Locality.objects.all(), to_field_name="slug", empty_label="All localities", **kwargs
        )

    def to_python(self, value: object) -> Locality | None:
        if value not in self.empty_values and not slug_re.fullmatch(str(value)):
            raise forms.ValidationError("Choose a locality from the list", code="invalid_choice")
        return super().to_python(value)
