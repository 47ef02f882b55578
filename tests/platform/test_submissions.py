"""The one mechanism that makes a repeated submission create one record."""

import datetime
import uuid

import pytest
from django.utils import timezone

from localities.models import LearningCycle
from thurrock_care import submissions
from thurrock_care.submissions.models import Submission
from thurrock_care.submissions.tasks import forget_old_submissions

pytestmark = pytest.mark.django_db


def add_cycle(by, grays, key, question="Why?"):
    return submissions.once(
        key=key,
        by=by,
        model=LearningCycle,
        payload={"question": question},
        create=lambda: LearningCycle.objects.create(
            locality=grays, question=question, created_by=by
        ),
    )


def test_one_key_makes_one_record_and_another_body_is_refused(practitioner, coordinator, grays):
    key = uuid.uuid4()
    first = add_cycle(practitioner, grays, key)
    assert add_cycle(practitioner, grays, key) == first
    with pytest.raises(submissions.KeyReused):
        add_cycle(practitioner, grays, key, question="Something else?")
    with pytest.raises(submissions.KeyReused):
        add_cycle(coordinator, grays, key)  # someone else's key leads nowhere
    assert LearningCycle.objects.count() == 1


def test_a_failed_create_leaves_the_key_free(practitioner, grays):
    key = uuid.uuid4()

    def fail():
        LearningCycle.objects.create(locality=grays, question="Half", created_by=practitioner)
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        submissions.once(key=key, by=practitioner, model=LearningCycle, payload={}, create=fail)
    assert not Submission.objects.exists()
    assert not LearningCycle.objects.exists()  # nothing half-made
    assert add_cycle(practitioner, grays, key).question == "Why?"


def test_old_keys_are_forgotten_daily(practitioner, grays):
    add_cycle(practitioner, grays, uuid.uuid4())
    recent = add_cycle(practitioner, grays, uuid.uuid4(), question="Recent?")
    Submission.objects.exclude(object_id=recent.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert forget_old_submissions() == 1
    assert list(Submission.objects.values_list("object_id", flat=True)) == [recent.pk]
    assert LearningCycle.objects.count() == 2  # the records stay; only the keys go
