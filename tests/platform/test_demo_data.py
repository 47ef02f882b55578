import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from localities.models import Consent, Membership, Organisation, Resident, StoryEntry
from thurrock_care.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent_and_covers_every_role(capsys):
    call_command("load_demo_data", force=True)
    first = capsys.readouterr().out
    models = [Organisation, Membership, User, Resident, StoryEntry, Consent]
    counts = [model.objects.count() for model in models]
    call_command("load_demo_data", force=True)
    second = capsys.readouterr().out
    assert [model.objects.count() for model in models] == counts
    assert Resident.objects.count() == 3
    assert Consent.objects.filter(organisations__name__contains="Police").count() == 2
    assert first == second  # the same sign-ins, secrets included, every time
    assert Organisation.objects.count() >= 12
    assert set(User.objects.values_list("role", flat=True)) == set(Role)
    for user in User.objects.all():
        assert Authenticator.objects.filter(user=user, type="totp").exists()
        assert user.email in first
    assert "TOTP secret" in first


def test_demo_data_refuses_to_run_in_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="for development"):
        call_command("load_demo_data")


def test_demo_data_includes_the_ilt_once(capsys):
    from localities.models import ActionItem, CommunityAsset, JoinRequest, LearningCycle, Meeting

    models = [CommunityAsset, Meeting, ActionItem, LearningCycle, JoinRequest]
    call_command("load_demo_data", force=True)
    counts = [model.objects.count() for model in models]
    call_command("load_demo_data", force=True)
    assert [model.objects.count() for model in models] == counts
    assert CommunityAsset.objects.count() >= 3
    assert ActionItem.objects.filter(done=False).exists()
    assert LearningCycle.objects.exists()
    assert JoinRequest.objects.get().status == JoinRequest.Status.PENDING


def test_demo_data_includes_local_area_coordination_once(capsys):
    from introductions.models import (
        ConnectionMade,
        Conversation,
        DropInSession,
        FollowUp,
        Introduction,
        WellbeingAnswer,
    )

    models = [Introduction, Conversation, ConnectionMade, FollowUp, WellbeingAnswer, DropInSession]
    call_command("load_demo_data", force=True)
    counts = [model.objects.count() for model in models]
    call_command("load_demo_data", force=True)
    assert [model.objects.count() for model in models] == counts
    introduction = Introduction.objects.get()
    assert introduction.holder.email == "practitioner@thurrock-care.test"
    assert ConnectionMade.objects.get().outcome == "kept"
    assert FollowUp.objects.open().get().owner == introduction.holder
    assert DropInSession.objects.filter(locality__slug="grays").count() >= 6
    assert set(DropInSession.objects.values_list("locality__slug", flat=True)) == {
        "grays", "asop", "tilbury-chadwell", "stanford-corringham"
    }  # fmt: skip
