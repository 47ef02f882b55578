import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_sign_in_goes_through_allauth(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_administrator_reaches_admin(client, personas):
    from thurrock_care.accounts.models import Role

    client.force_login(personas[Role.ADMINISTRATOR])
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    assert personas[Role.COORDINATOR].email in response.text


def test_other_roles_do_not_reach_admin(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


# --- The administration site changes accounts through the services, audited -----------------


@pytest.fixture
def administrator(personas):
    from thurrock_care.accounts.models import Role

    return personas[Role.ADMINISTRATOR]


def test_adding_a_person_in_the_admin_invites_them_and_is_audited(
    client, administrator, grays, mailoutbox, django_capture_on_commit_callbacks
):
    from thurrock_care.accounts.models import User
    from thurrock_care.audit.models import Action, Event

    client.force_login(administrator)
    form = client.get(reverse("admin:accounts_user_add"))
    assert 'name="password1"' not in form.text  # nobody's password is set by someone else
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_add"),
            {"email": "new.person@thurrock-care.test", "full_name": "New Person",
             "role": "partner", "localities": [grays.pk]},
        )  # fmt: skip
    assert response.status_code == 302
    user = User.objects.get(email="new.person@thurrock-care.test")
    assert not user.has_usable_password()
    assert list(user.localities.all()) == [grays]
    assert [m.to for m in mailoutbox] == [["new.person@thurrock-care.test"]]
    event = Event.objects.get(action=Action.ACCOUNT_INVITED)
    assert (event.actor, event.object_id) == (administrator, user.pk)
    again = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "NEW.PERSON@thurrock-care.test", "full_name": "Twice", "role": "partner"},
    )
    assert again.status_code == 200  # the form says the address is taken; nothing else happens
    assert User.objects.filter(email__iexact="new.person@thurrock-care.test").count() == 1


def test_changing_a_role_and_localities_in_the_admin_is_audited_field_by_field(
    client, administrator, grays
):
    from localities.models import Locality
    from tests.factories import UserFactory
    from thurrock_care.accounts.models import Role
    from thurrock_care.audit.models import Action, Event

    asop = Locality.objects.get(slug="asop")
    user = UserFactory(role=Role.PARTNER, localities=[grays])
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {"email": user.email, "full_name": user.full_name, "role": "practitioner",
         "localities": [grays.pk, asop.pk], "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.role == Role.PRACTITIONER
    event = Event.objects.get(action=Action.ACCOUNT_CHANGED)
    assert event.actor == administrator
    assert event.details == {
        "role": ["partner", "practitioner"],
        "localities": [["grays"], ["asop", "grays"]],
    }


def test_resetting_two_factor_in_the_admin_is_audited(client, administrator, personas):
    from allauth.mfa.models import Authenticator

    from thurrock_care.accounts.models import Role
    from thurrock_care.audit.models import Action, Event

    partner = personas[Role.PARTNER]
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_mfa", "_selected_action": [partner.pk]},
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=partner).exists()
    event = Event.objects.get(action=Action.MFA_RESET)
    assert (event.actor, event.object_id) == (administrator, partner.pk)


def test_authenticators_tokens_and_addresses_are_not_edited_directly(client, administrator):
    client.force_login(administrator)
    for url in ["/admin/mfa/authenticator/", "/admin/authtoken/tokenproxy/",
                "/admin/account/emailaddress/", "/admin/auth/group/"]:  # fmt: skip
        assert client.get(url).status_code == 404
    assert (
        client.get(reverse("admin:accounts_user_delete", args=[administrator.pk])).status_code
        == 403
    )


def test_the_admin_has_no_sign_in_form_of_its_own(client, personas):
    """Regression: /admin/login/ showed Django's own form to anyone signed in (a manager,
    say), which signed them in as an administrator with the password alone: no authenticator
    code, and no failed-login limit (it worked even while allauth had locked the account)."""
    from tests.factories import PASSWORD
    from thurrock_care.accounts.models import Role

    administrator = personas[Role.ADMINISTRATOR]
    manager = personas[Role.MANAGER]
    client.force_login(manager)
    url = reverse("admin:login")
    page = client.get(url)
    assert page.status_code == 403
    assert 'name="password"' not in page.text
    response = client.post(
        url, {"username": administrator.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 403
    assert int(client.session["_auth_user_id"]) == manager.pk  # still the manager
    assert client.get(reverse("admin:index")).status_code == 302  # not let in
    # Signed out, it leads to the one sign-in page (password, then the authenticator code).
    client.logout()
    anonymous = client.post(url, {"username": administrator.email, "password": PASSWORD})
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_the_admin_has_no_password_page_of_its_own(client, personas):
    """Regression: /admin/password_change/ changed an administrator's password unaudited; it
    now leads to the account pages' one, which is audited."""
    from tests.factories import PASSWORD
    from thurrock_care.accounts.models import Role

    administrator = personas[Role.ADMINISTRATOR]
    client.force_login(administrator)
    url = reverse("admin:password_change")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("account_change_password")
    changed = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "n3w-Passw0rd-x",
            "new_password2": "n3w-Passw0rd-x",
        },
    )
    assert changed.status_code == 302
    administrator.refresh_from_db()
    assert administrator.check_password(PASSWORD)  # unchanged
