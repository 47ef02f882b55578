"""Demo data for `make run`: organisations in each ILT and one signed-in-able user per role.

Idempotent: running it again changes nothing and prints the same sign-ins. Demo users (and
only they) get an authenticator pre-enrolled; its secret is printed so a person can add it to
an authenticator app and sign in.
"""

import datetime
import uuid
from datetime import date

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from localities.models import (
    CommunityAsset,
    Consent,
    JoinRequest,
    LearningCycle,
    Locality,
    Meeting,
    Membership,
    Neighbourhood,
    Organisation,
    StorySection,
)
from localities.services import ilt
from thurrock_care.accounts.models import Role, User
from wellbeing_teams import demo as wellbeing_teams_demo

DEMO_PASSWORD = "demo-password-thurrock"
TEN_AM = datetime.time(10, 0)

Kind = Organisation.Kind
# (name, kind, localities by slug, description)
ORGANISATIONS = [
    ("Thurrock Council Adult Social Care", Kind.ADULT_SOCIAL_CARE, "*",
     "Local Area Coordination, community-led support and Wellbeing Teams."),
    ("Thurrock First", Kind.THURROCK_FIRST, "*",
     "The integrated front door for adult social care, community health and mental health."),
    ("NELFT Community Health Thurrock", Kind.COMMUNITY_HEALTH, "*",
     "Community nursing, therapy and rehabilitation."),
    ("Essex Police Community Policing Team", Kind.COMMUNITY_POLICING, "*",
     "Neighbourhood officers and PCSOs."),
    ("Essex County Fire and Rescue Service", Kind.FIRE_AND_RESCUE, "*",
     "Safe and well visits and home fire safety checks."),
    ("Thurrock Council Housing", Kind.HOUSING, "*", "Tenancy support and housing options."),
    ("Grays Health Centre", Kind.GP_PRACTICE, "grays", "GP practice."),
    ("Tilbury Health Centre", Kind.GP_PRACTICE, "tilbury-chadwell", "GP practice."),
    ("Thurrock CVS", Kind.VOLUNTARY_GROUP, "*",
     "Council for Voluntary Services: volunteering, community groups and befriending."),
    ("Purfleet Lunch Club", Kind.VOLUNTARY_GROUP, "asop",
     "A hot lunch and company every Wednesday at the community hall."),
    ("Corringham Men's Shed", Kind.MICRO_ENTERPRISE, "stanford-corringham",
     "Woodwork, repairs and a cup of tea, Tuesdays and Thursdays."),
    ("Riverside Home Care", Kind.CARE_PROVIDER, "tilbury-chadwell asop",
     "Home care provider."),
]  # fmt: skip

# (e-mail, full name, role, organisation, localities by slug)
USERS = [
    ("practitioner@thurrock-care.test", "Priya Patel", Role.PRACTITIONER,
     "Thurrock Council Adult Social Care", "grays"),
    ("wellbeing@thurrock-care.test", "Wendy Okafor", Role.WELLBEING_WORKER,
     "Thurrock Council Adult Social Care", "tilbury-chadwell"),
    ("coordinator@thurrock-care.test", "Colin Hughes", Role.COORDINATOR,
     "Thurrock Council Adult Social Care", "grays"),
    ("partner@thurrock-care.test", "Pat Murphy", Role.PARTNER,
     "Essex Police Community Policing Team", "grays"),
    ("manager@thurrock-care.test", "Maria Santos", Role.MANAGER,
     "Thurrock Council Adult Social Care", ""),
    ("admin@thurrock-care.test", "Adam Clarke", Role.ADMINISTRATOR,
     "Thurrock Council Adult Social Care", ""),
]  # fmt: skip

# (name, kind, neighbourhood, offer, when, where, cost)
ASSETS = [
    ("Purfleet Lunch Club", CommunityAsset.Kind.LUNCH_CLUB, "Purfleet",
     "A hot two-course lunch and company.", "Wednesdays 12pm to 2pm",
     "Purfleet Community Hall", "£4"),
    ("Corringham Men's Shed", CommunityAsset.Kind.MICRO_ENTERPRISE, "Corringham",
     "Woodwork, repairs and a cup of tea.", "Tuesdays and Thursdays 10am to 3pm",
     "Corringham allotments", "Free"),
    ("Grays Lunch Club", CommunityAsset.Kind.LUNCH_CLUB, "Grays",
     "A hot lunch, a quiz and company.", "Thursdays 12pm to 2pm",
     "Thameside Complex, Orsett Road", "£4"),
    ("Grays Library Drop-in", CommunityAsset.Kind.DROP_IN_VENUE, "Grays",
     "Talk to a Local Area Coordinator, no appointment needed.", "Mondays 10am to 12pm",
     "Grays Library, Orsett Road", "Free"),
    ("Tilbury Walking Group", CommunityAsset.Kind.GROUP, "Tilbury",
     "Gentle walks along the riverside for all abilities.", "Saturdays 10am",
     "Tilbury Fort car park", "Free"),
]  # fmt: skip

DEMO_JOIN_REQUEST_KEY = uuid.UUID("6a1f3c52-1f0e-4d1b-9a57-0c8f3a9d2e11")


class Command(BaseCommand):
    help = "Load demo organisations and one demo user per role (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Load demo data even with DEBUG off."
        )

    @transaction.atomic
    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo data (with known passwords) is for development: set DEBUG=true, "
                "or pass --force if you really mean it."
            )
        localities = {locality.slug: locality for locality in Locality.objects.all()}
        if not localities:
            raise CommandError("No localities found: run 'python manage.py migrate' first.")
        organisations = {}
        for name, kind, where, description in ORGANISATIONS:
            organisation, _ = Organisation.objects.get_or_create(
                name=name, defaults={"kind": kind, "description": description}
            )
            organisations[name] = organisation
            slugs = localities if where == "*" else where.split()
            for slug in slugs:
                Membership.objects.get_or_create(
                    locality=localities[slug],
                    organisation=organisation,
                    defaults={"joined_on": timezone.localdate()},
                )
        users = self.load_users(localities, organisations)
        self.load_ilt(localities, users)
        # Added by the administrator: the residents live in two localities.
        load_demo_residents(users[-1][0], organisations)
        load_demo_local_area_coordination(users, organisations)
        load_demo_mdt(users, organisations)
        wellbeing_teams_demo.load([user for user, _ in users])
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo sign-ins:"))
        self.stdout.write(f"  password for every demo user: {DEMO_PASSWORD}")
        for user, secret in users:
            self.stdout.write(
                f"  {user.get_role_display():<22} {user.email:<34} TOTP secret {secret}"
            )
        self.stdout.write(
            "  Add a secret to an authenticator app (as a 'setup key', time-based) to get codes."
        )

    def load_users(self, localities: dict, organisations: dict) -> list[tuple[User, str]]:
        rows = []
        for email, full_name, role, organisation_name, where in USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email,
                    DEMO_PASSWORD,
                    full_name=full_name,
                    role=role,
                    organisation=organisations[organisation_name],
                    is_staff=role == Role.ADMINISTRATOR,
                    is_superuser=role == Role.ADMINISTRATOR,
                )
                user.localities.set([localities[slug] for slug in where.split()])
            rows.append((user, enrol_totp(user)))
        return rows

    def load_ilt(self, localities: dict, users: list[tuple[User, str]]) -> None:
        """Community assets, a Grays ILT meeting with an open action, a learning cycle and a
        request to join, each added once."""
        by_role = {user.role: user for user, _ in users}
        coordinator, practitioner = by_role[Role.COORDINATOR], by_role[Role.PRACTITIONER]
        grays = localities["grays"]
        for name, kind, neighbourhood, offer, when, where, cost in ASSETS:
            if not CommunityAsset.objects.filter(name=name).exists():
                ilt.create_asset(
                    by=practitioner,
                    neighbourhood=Neighbourhood.objects.get(name=neighbourhood),
                    name=name,
                    kind=kind,
                    offer=offer,
                    when=when,
                    where=where,
                    cost=cost,
                )
        if not Meeting.objects.filter(locality=grays).exists():
            last_week = timezone.localdate() - datetime.timedelta(days=7)
            meeting = ilt.create_meeting(
                locality=grays,
                by=coordinator,
                starts_at=timezone.make_aware(datetime.datetime.combine(last_week, TEN_AM)),
                place="Grays Library, meeting room 2",
                attending=Organisation.objects.filter(memberships__locality=grays)[:4],
                notes="Welcomed new members. Reviewed the Saturday drop-in trial.",
                decisions="Run the Saturday drop-in for another month.",
            )
            ilt.add_action_item(
                meeting=meeting,
                by=coordinator,
                text="Ask the fire service to join the next drop-in for safe and well visits.",
                owner=Organisation.objects.get(name="Thurrock CVS"),
            )
        question = "Would a Saturday drop-in reach people who work during the week?"
        if not LearningCycle.objects.filter(question=question).exists():
            ilt.create_learning_cycle(
                locality=grays,
                by=coordinator,
                question=question,
                status=LearningCycle.Status.TRYING,
                tried="Three Saturday mornings at Grays Library.",
                learned="Carers came who had never been to a weekday drop-in.",
                next_steps="Try one more month, then decide with the ILT.",
            )
        if not JoinRequest.objects.filter(contact_email="jean@knitandnatter.test").exists():
            ilt.submit_join_request(
                locality=grays,
                submission_key=DEMO_JOIN_REQUEST_KEY,
                organisation_name="Chafford Hundred Knit and Natter",
                kind=Organisation.Kind.VOLUNTARY_GROUP,
                offer="A weekly knitting group: company for people who live alone.",
                contact_name="Jean Harris",
                contact_email="jean@knitandnatter.test",
            )


# (full name, preferred name, date of birth, postcode, neighbourhood, about me, what matters)
RESIDENTS = [
    ("Siobhan O'Leary", "Shiv", "1948-03-02", "RM17 6SL", "Grays",
     "I was a school cook for thirty years. I live alone since my husband Dennis died.",
     "Getting to the lunch club on Wednesdays, and my garden."),
    ("Arthur Dent", "", "1952-07-14", "RM16 2XT", "Chafford Hundred",
     "Retired lorry driver. My daughter lives in Basildon.",
     "Staying in my own home and keeping my dog, Biscuit."),
    ("Grace Adeyemi", "", "1939-11-30", "RM18 8BB", "Tilbury",
     "Came to Tilbury in 1962. Sang in the church choir for forty years.",
     "Seeing my grandchildren, and getting out of the flat more."),
]  # fmt: skip


def load_demo_residents(author: User, organisations: dict[str, Organisation]) -> None:
    """A few residents with their story; the Grays ones consent to share with the police."""
    from localities.models import Neighbourhood, Resident
    from localities.services import residents as services  # the same writes as the pages

    police = organisations["Essex Police Community Policing Team"]
    for full_name, preferred, born, postcode, where, about, matters in RESIDENTS:
        if Resident.objects.filter(full_name=full_name).exists():
            continue
        resident = services.create_resident(
            by=author,
            full_name=full_name,
            preferred_name=preferred,
            date_of_birth=date.fromisoformat(born),
            postcode=postcode,
            neighbourhood=Neighbourhood.objects.get(name=where),
        )
        services.write_story(
            resident=resident, by=author, section=StorySection.ABOUT_ME, text=about
        )
        services.write_story(
            resident=resident, by=author, section=StorySection.WHAT_MATTERS, text=matters
        )
        if resident.neighbourhood.locality.slug == "grays":
            services.record_consent(
                resident=resident,
                by=author,
                decision=Consent.Decision.GIVEN,
                decided_on=timezone.localdate(),
                organisations=[police],
            )


def enrol_totp(user: User) -> str:
    """Give a demo user a TOTP authenticator (once) and return its secret."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing:
        return decrypt(existing.data["secret"])
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def load_demo_local_area_coordination(
    users: list[tuple[User, str]], organisations: dict[str, Organisation]
) -> None:
    """Local Area Coordination in Grays, once: Siobhan introduced by her GP and held by the
    demo practitioner, two conversations (a connection to the lunch club, kept), a follow-up
    due today, her wellbeing answers; and drop-ins in each locality this month and next."""
    from introductions.models import Conversation, DropInSession, Introduction
    from introductions.services import conversations, drop_ins, introductions, wellbeing
    from introductions.services.conversations import NewConnection
    from localities.models import Resident

    by_role = {user.role: user for user, _ in users}
    practitioner = by_role[Role.PRACTITIONER]
    administrator = by_role[Role.ADMINISTRATOR]
    siobhan = Resident.objects.filter(full_name="Siobhan O'Leary").first()
    if siobhan is not None and not Introduction.objects.filter(resident=siobhan).exists():
        introductions.create_introduction(
            resident=siobhan,
            by=practitioner,
            holder=practitioner,
            source=Introduction.Source.GP_PRACTICE,
            introduced_by="Grays Health Centre",
            introduced_on=timezone.localdate() - datetime.timedelta(days=40),
            status=Introduction.Status.WALKING_ALONGSIDE,
        )
        wellbeing.record_wellbeing(
            resident=siobhan, by=practitioner, life_satisfaction=4, worthwhile=5,
            happy_yesterday=3, anxious_yesterday=7,
            answered_on=timezone.localdate() - datetime.timedelta(days=40),
        )  # fmt: skip
        first = conversations.log_conversation(
            resident=siobhan,
            by=practitioner,
            held_at=timezone.now() - datetime.timedelta(days=40),
            how_we_met=Conversation.HowWeMet.HOME_VISIT,
            what_matters="Feels lonely since Dennis died. Misses cooking for people.",
            strengths="A wonderful cook; knows everyone on her road.",
            next_steps="Try the Grays Lunch Club together.",
            connections=[NewConnection(asset=CommunityAsset.objects.get(name="Grays Lunch Club"))],
        )
        conversations.log_conversation(
            resident=siobhan,
            by=practitioner,
            held_at=timezone.now() - datetime.timedelta(days=10),
            how_we_met=Conversation.HowWeMet.PHONE,
            what_matters="Went to the lunch club twice; helping in the kitchen next week.",
            checked={first.connections_made.get().pk: "kept"},
            stay_in_touch_by=timezone.localdate(),
        )
    if not DropInSession.objects.exists():
        talking_shops = [
            ("grays", "Talking Shop, Grays Library", "Grays Library, Orsett Road", 2, practitioner),
            ("grays", "Community Tuesday at Morrisons", "Morrisons, Grays", 1, practitioner),
            ("tilbury-chadwell", "Information Marketplace at The Ship", "The Ship, Tilbury", 3,
             administrator),
            ("asop", "Purfleet coffee morning", "Purfleet Community Hall", 2, administrator),
            ("stanford-corringham", "Corringham drop-in", "Corringham Library", 4, administrator),
        ]  # fmt: skip
        for slug, title, venue, weekday, author in talking_shops:
            for week in range(6):
                day = timezone.localdate() + datetime.timedelta(days=week * 7 + weekday)
                starts = timezone.make_aware(datetime.datetime.combine(day, TEN_AM))
                drop_ins.create_drop_in(
                    by=author, title=title, locality=Locality.objects.get(slug=slug),
                    venue=venue, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
                    organisations=[organisations["Thurrock CVS"]],
                    description="Talk to a Local Area Coordinator: no appointment needed.",
                )  # fmt: skip


def load_demo_mdt(users: list[tuple[User, str]], organisations: dict[str, Organisation]) -> None:
    """One urgent MDT in Grays, once, finding a time: housing and the fire service required,
    community health and the police invited; two times proposed, two organisations answered
    (the recommendation shows; the coordinator confirms)."""
    from localities.models import Resident
    from mdt import services
    from mdt.models import Invitation, Mdt

    if Mdt.objects.exists():
        return
    by_role = {user.role: user for user, _ in users}
    coordinator = by_role[Role.COORDINATOR]
    resident = Resident.objects.filter(neighbourhood__locality__slug="grays").order_by("pk").first()
    if resident is None:
        return
    housing = organisations["Thurrock Council Housing"]
    fire = organisations["Essex County Fire and Rescue Service"]
    health = organisations["NELFT Community Health Thurrock"]
    police = organisations["Essex Police Community Policing Team"]
    mdt = services.request_mdt(
        resident=resident,
        by=coordinator,
        urgency=Mdt.Urgency.URGENT,
        concern="Damp and mould in the flat; uses a wheelchair and cannot get out of the front "
        "door; a fall last week.",
        residents_voice="I want to stay near my daughter, somewhere I can get out on my own.",
        organisations=[housing, fire, health, police],
        required=[housing, fire],
        consent_given=True,
    )
    now = timezone.localtime()
    tomorrow = now.date() + datetime.timedelta(days=1)
    starts = [
        timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(hour)))
        for hour in (10, 14)
    ]
    morning, afternoon = services.propose_slots(mdt=mdt, by=coordinator, starts=starts)
    for organisation, answers in (
        (housing, [(morning, "cannot"), (afternoon, "can")]),
        (fire, [(morning, "can"), (afternoon, "delegate")]),
    ):
        services.answer_slots(
            invitation=Invitation.objects.get(mdt=mdt, organisation=organisation),
            by=None,
            via_link=True,
            answers=[
                services.Answer(slot=slot, answer=answer,
                                delegate="Station manager" if answer == "delegate" else "")
                for slot, answer in answers
            ],
        )  # fmt: skip
