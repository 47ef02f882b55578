"""How are you feeling: the ONS4 questions, offered, never required, once a quarter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from introductions import gates, queries
from introductions.forms.wellbeing import WellbeingForm
from introductions.models import Introduction
from introductions.services import wellbeing as services
from thurrock_care import submissions
from thurrock_care.accounts.typing import AuthenticatedRequest
from thurrock_care.forms import form_status
from thurrock_care.submissions.forms import keep_typed_after_reuse


@login_required
def wellbeing_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resident = gates.visible_resident(request, pk)
    data = request.POST.copy() if request.method == "POST" else None
    form = WellbeingForm(data)
    if data is not None and form.is_valid():
        try:
            services.record_wellbeing(
                resident=resident,
                by=request.user,
                introduction=Introduction.objects.open().filter(resident=resident).first(),
                submission_key=form.cleaned_data["submission_key"],
                request=request,
                **form.scores(),  # type: ignore[arg-type]
            )
        except submissions.KeyReused:
            keep_typed_after_reuse(form, data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Their answers have been saved. Thank you.")
            return redirect("residents:detail", pk=pk)
    context = {"form": form, "resident": resident, "next_offer_on": queries.next_offer_on(resident)}
    return render(
        request, "introductions/wellbeing_form.html", context, status=form_status(request)
    )
