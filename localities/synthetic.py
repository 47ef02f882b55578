"""Synthetic residents for measuring speed at borough scale: realistic names (the commonest
surname on about 1.3% of people, a long tail of rare ones, names in other scripts), Thurrock
postcodes by neighbourhood, dates of birth, NHS numbers from the range never issued. Written
with PostgreSQL COPY; search names filled by the function the services use."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import accumulate

from django.db import connection
from django.utils import timezone

from localities.models import Neighbourhood, Resident, ResidentWord
from localities.search import search_name

# Common surnames in England, commonest first; picked with weights 1/(rank + 8), so that over
# the whole population (COMMON_SHARE of people have one) the first is on about 1.3%.
COMMON_SURNAMES = """
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson
Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner
Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott
Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter
Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson
Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt
Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker
Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson
Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West
Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose Booth Perry
Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter
Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins
Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane
Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long
Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins
O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp Hardy Wheeler
Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Rowe Burke May Okafor
Adeyemi Mensah Nowak Kowalski Wiśniewska Dąbrowski Popescu Kaya Öztürk
""".split()
COMMON_SHARE = 0.4
# The long tail: surnames made of parts, each shared by a dozen people or so in a borough.
FIRST_PARTS = """Ash Black Brad Brook Cald Church Clif Crow Dart East Elm Fair Fern Gold Green
Hart Haw Hol Kel Kirk Lang Lin Mar Mead Mill Nor Oak Pen Red Rid Rock Sand Shel Stan Thorn
Wal Wes Whit Wick Win Wood""".split()
MIDDLE_PARTS = ["", "", "", "er", "en", "ing", "s", "el", "y", "in", "ow", "on"]
LAST_PARTS = """bank bourne brook bury by combe cott croft dale den don field ford gate grove
ham hurst ington land ley low mere more ridge sey shaw stead stock stone thorpe ton wade well
wick win worth""".split()
FIRST_NAMES = """Oliver George Harry Jack Jacob Noah Charlie Thomas Oscar William James Leo Alfie
Henry Joshua Freddie Archie Ethan Isaac Alexander Joseph Edward Samuel Max Daniel Arthur Lucas
Mohammed Logan Theo Harrison Benjamin Mason Sebastian Finley Adam Dylan Zachary Riley Teddy
Olivia Amelia Isla Ava Mia Isabella Sophia Grace Lily Freya Emily Ivy Ella Rosie Evie Florence
Poppy Charlotte Willow Isabelle Phoebe Sophie Daisy Sienna Elsie Matilda Evelyn Harper Ruby
Margaret Patricia Susan Linda Barbara Jean Doreen Joan Maureen Pauline Janet Christine Brenda
John David Michael Peter Robert Paul Anthony Stephen Brian Kevin Christopher Andrew Mark Siobhan
Aoife Niamh Seamus Declan Priya Anil Sunita Aisha Fatima Yusuf Amara Chidi Kwame Ewa Łukasz
Zofia Agnieszka Mihai Elena""".split()
# About 3% of names are written in another script, as they are in the records they come from.
OTHER_SCRIPTS = ["محمد علي", "فاطمة حسن", "李小龙", "王芳", "Наталья Иванова", "Сергей Петров",
                 "अनिल कुमार", "सुनीता शर्मा", "Γιώργος Παπαδόπουλος"]  # fmt: skip
# Postcode districts of each locality's neighbourhoods.
DISTRICTS = {
    "asop": ["RM15", "RM19", "RM20"],
    "grays": ["RM16", "RM17", "RM20"],
    "stanford-corringham": ["SS17", "RM16", "CM13"],
    "tilbury-chadwell": ["RM18", "RM16", "SS17"],
}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
COLUMNS = [
    "preferred_name", "full_name", "date_of_birth", "date_of_birth_is_approximate", "address",
    "postcode", "neighbourhood_id", "phone", "email", "nhs_number", "las_person_id",
    "communication_needs", "key_safety_information", "status", "search_name", "version",
    "created_at", "created_by_id", "updated_at",
]  # fmt: skip


class Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.weights = list(accumulate(1 / (rank + 8) for rank in range(len(COMMON_SURNAMES))))

    def surname(self) -> str:
        if self.rng.random() < COMMON_SHARE:
            return self.rng.choices(COMMON_SURNAMES, cum_weights=self.weights)[0]
        parts = FIRST_PARTS, MIDDLE_PARTS, LAST_PARTS
        return "".join(self.rng.choice(part) for part in parts)

    def full_name(self) -> str:
        if self.rng.random() < 0.03:
            return self.rng.choice(OTHER_SCRIPTS)
        given = self.rng.choice(FIRST_NAMES)
        if self.rng.random() < 0.15:
            given = f"{given} {self.rng.choice(FIRST_NAMES)}"
        return f"{given} {self.surname()}"


def nhs_numbers(rng: random.Random) -> Iterator[str]:
    """Distinct valid NHS numbers from 999 000 0000 to 999 999 9999, a range never issued."""
    seen: set[str] = set()
    while True:
        digits = str(rng.randrange(999_000_000, 1_000_000_000))
        weighted = sum(int(d) * weight for d, weight in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - weighted % 11
        if check == 10 or digits in seen:  # 10: no valid number starts with these digits
            continue
        seen.add(digits)
        yield f"{digits}{check % 11}"


def rows(
    count: int,
    *,
    seed: int,
    created_by_id: int,
    neighbourhoods: list[Neighbourhood],
    now: datetime | None = None,
) -> Iterator[tuple]:
    rng = random.Random(seed)
    names = Names(rng)
    numbers = nhs_numbers(rng)
    now = now or timezone.now()
    oldest = date(1925, 1, 1)
    for _ in range(count):
        neighbourhood = rng.choice(neighbourhoods)
        district = rng.choice(DISTRICTS.get(neighbourhood.locality.slug, ["RM17"]))
        inward = f"{rng.randrange(1, 10)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        full_name = names.full_name()
        preferred = full_name.split()[0] if rng.random() < 0.05 else ""
        yield (
            preferred,
            full_name,
            oldest + timedelta(days=rng.randrange(36_500)),
            False,
            f"{rng.randrange(1, 200)} {rng.choice(LAST_PARTS).title()} Road",
            f"{district} {inward}",
            neighbourhood.pk,
            "",
            "",
            next(numbers) if rng.random() < 0.7 else "",
            "",
            "",
            "",
            Resident.Status.ACTIVE if rng.random() < 0.95 else Resident.Status.MOVED_AWAY,
            search_name(full_name, preferred),
            1,
            now,
            created_by_id,
            now,
        )


def load(count: int, *, seed: int, created_by_id: int, now: datetime | None = None) -> int:
    """Add `count` residents (written at `now`, by default the present); returns how many
    were written. Statistics are refreshed after, so that the planner knows the table's new
    size."""
    table = Resident._meta.db_table
    # Read before the COPY starts: no other query can run on the connection during it.
    neighbourhoods = list(Neighbourhood.objects.select_related("locality").order_by("pk"))
    if not neighbourhoods:
        raise ValueError("there are no neighbourhoods: run the migrations first")
    made = rows(
        count, seed=seed, created_by_id=created_by_id, neighbourhoods=neighbourhoods, now=now
    )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in made:
                copy.write_row(row)
        # Their name words (the trigger that writes them is off while the generator loads).
        cursor.execute("SELECT localities_fill_resident_words()")
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"ANALYZE {ResidentWord._meta.db_table}")
    return count
