"""Organisations and their ILT memberships, staff accounts, residents (localities.synthetic)."""

from __future__ import annotations

from django.db import connection
from django.db.models.functions import Lower

from localities import synthetic as residents_synthetic
from localities.management.commands.load_synthetic_residents import SYNTHETIC_USER
from localities.models import Locality, Membership, Neighbourhood, Organisation, Resident
from thurrock_care.accounts.models import Role, User
from thurrock_care.synthetic.copying import Table, indexes_rebuilt, restart_ids, write_pairs
from thurrock_care.synthetic.world import GENERATED_DOMAIN, Staff, World

PLACES = [
    "Grays",
    "Tilbury",
    "Chadwell",
    "Stanford",
    "Corringham",
    "Aveley",
    "South",
    "Ockendon",
    "Purfleet",
    "Stifford",
    "East",
    "Tilbury",
    "Orsett",
    "Horndon",
    "Bulphan",
    "Fobbing",
    "Linford",
    "Thurrock",
    "Lakeside",
]
KIND_WORDS = {
    Organisation.Kind.ADULT_SOCIAL_CARE: "Adult Social Care",
    Organisation.Kind.COMMUNITY_HEALTH: "Community Health Team",
    Organisation.Kind.MENTAL_HEALTH: "Mental Health Service",
    Organisation.Kind.GP_PRACTICE: "Medical Centre",
    Organisation.Kind.HOUSING: "Housing Office",
    Organisation.Kind.VOLUNTARY_GROUP: "Community Group",
    Organisation.Kind.CARE_PROVIDER: "Care at Home",
    Organisation.Kind.MICRO_ENTERPRISE: "Helping Hands",
    Organisation.Kind.COMMUNITY_POLICING: "Neighbourhood Policing",
    Organisation.Kind.THURROCK_FIRST: "Thurrock First",
    Organisation.Kind.SAFEGUARDING: "Safeguarding Team",
}
# Most organisations are community groups, GP practices and care providers.
KIND_WEIGHTS = [12, 8, 4, 14, 4, 30, 10, 10, 3, 2, 3]
# Of the staff: the practitioners and partners are most; a few coordinate and manage.
ROLE_SHARES = [
    (Role.PRACTITIONER, 0.55),
    (Role.PARTNER, 0.33),
    (Role.WELLBEING_WORKER, 0.09),
    (Role.MANAGER, 0.02),
]
COORDINATORS_PER_LOCALITY = 2


def author(world: World) -> int:
    """The account that adds the generated records (cannot sign in)."""
    restart_ids(User._meta.db_table)
    user, _ = User.objects.get_or_create(
        email=SYNTHETIC_USER,
        defaults={
            "full_name": "Synthetic data",
            "role": Role.ADMINISTRATOR,
            "is_active": False,
            "password": "!generated",  # unusable: it never signs in
            "date_joined": world.now,
        },
    )
    world.author_id = user.pk
    return user.pk


def places(world: World) -> None:
    for locality in Locality.objects.order_by("pk"):
        world.localities[locality.pk] = list(
            Neighbourhood.objects.filter(locality=locality)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    if not world.localities:
        raise ValueError("there are no localities: run the migrations first")


def organisations(world: World) -> int:
    rng = world.rng("organisations")
    taken = set(Organisation.objects.annotate(lower=Lower("name")).values_list("lower", flat=True))
    kinds = list(KIND_WORDS)
    table = Table(Organisation, ["name", "kind", "contact_email"], now=world.now)
    first = table.next_id()
    rows = []
    for n in range(world.scale.organisations):
        kind = rng.choices(kinds, weights=KIND_WEIGHTS)[0]
        name = f"{rng.choice(PLACES)} {KIND_WORDS[kind]}"
        number = 2
        while name.lower() in taken:
            name = f"{rng.choice(PLACES)} {KIND_WORDS[kind]} {number}"
            number += 1
        taken.add(name.lower())
        world.organisations[first + n] = (name, kind)
        rows.append((name, kind, f"contact{first + n}{GENERATED_DOMAIN}"))
    count = table.write(rows, first_id=first)
    # Core organisations work across every locality; the others in one or two.
    members = Table(Membership, ["locality_id", "organisation_id", "joined_on"], now=world.now)
    localities = list(world.localities)
    memberships = []
    for org_id, (_, org_kind) in world.organisations.items():
        if org_kind in Organisation.CORE_KINDS:
            where = localities
        else:
            where = sorted(rng.sample(localities, 1 if rng.random() < 0.8 else 2))
        for locality in where:
            world.org_localities.setdefault(locality, []).append(org_id)
            joined = world.first_day.toordinal() + rng.randrange(365 * 4)
            memberships.append((locality, org_id, type(world.today).fromordinal(joined)))
    members.write(memberships)
    return count


def staff(world: World) -> int:
    rng = world.rng("staff")
    names = residents_synthetic.Names(rng)
    localities = list(world.localities)
    core = [o for o, (_, kind) in world.organisations.items() if kind in Organisation.CORE_KINDS]
    other = [o for o in world.organisations if o not in core]
    providers = [
        o for o, (_, k) in world.organisations.items() if k == Organisation.Kind.CARE_PROVIDER
    ] or other
    roles: list[str] = []
    for _locality in localities:
        roles += [Role.COORDINATOR] * COORDINATORS_PER_LOCALITY
    rest = world.scale.staff - len(roles)
    for role, share in ROLE_SHARES:
        roles += [role] * round(rest * share)
    roles += [Role.PRACTITIONER] * (world.scale.staff - len(roles))
    roles = roles[: world.scale.staff]
    table = Table(
        User,
        ["password", "email", "full_name", "role", "organisation_id", "is_active", "date_joined"],
        now=world.now,
    )
    first = table.next_id()
    rows = []
    pairs = []
    coordinator_places = iter([loc for loc in localities for _ in range(COORDINATORS_PER_LOCALITY)])
    for n, role_name in enumerate(roles):
        role = Role(role_name)
        user_id = first + n
        full_name = names.full_name()
        if role == Role.COORDINATOR:
            where = [next(coordinator_places)]
            org = rng.choice(core) if core else None
        elif role == Role.PRACTITIONER:
            org = rng.choice(core) if core and rng.random() < 0.7 else rng.choice(other)
            where = [rng.choice(localities)]
        elif role == Role.WELLBEING_WORKER:
            org = rng.choice(providers)
            where = [rng.choice(localities)]
        elif role == Role.MANAGER:
            org = rng.choice(core) if core else None
            where = localities
        else:
            org = rng.choice(other)
            where = [rng.choice(localities)]
        if role == Role.PRACTITIONER and rng.random() < 0.1:
            where = sorted(rng.sample(localities, 2))
        org_name = world.organisations[org][0] if org else ""
        world.staff.append(Staff(user_id, role, full_name, org_name, where))
        # "!": an unusable password (generated staff never sign in until one is set).
        email = f"staff{user_id}{GENERATED_DOMAIN}"
        joined = world.moment(world.first_day, 9 * 60 + rng.randrange(365 * 24 * 60))
        rows.append(("!generated", email, full_name, role, org, True, joined))
        pairs += [(user_id, locality) for locality in where]
    count = table.write(rows, first_id=first)
    write_pairs(User, "localities", pairs)
    return count


def residents(world: World) -> int:
    table = Resident._meta.db_table
    restart_ids(table)
    with indexes_rebuilt(table):
        count = residents_synthetic.load(
            world.scale.residents, seed=world.seed, created_by_id=world.author_id, now=world.now
        )
    locality_of = {n: loc for loc, ns in world.localities.items() for n in ns}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, neighbourhood_id FROM {table} WHERE created_by_id = %s ORDER BY id",
            [world.author_id],
        )
        for resident_id, neighbourhood_id in cursor.fetchall():
            world.residents.setdefault(locality_of[neighbourhood_id], []).append(resident_id)
            world.resident_ids.append(resident_id)
    return count
