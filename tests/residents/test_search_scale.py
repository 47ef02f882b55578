"""Resident search at borough scale: every kind of search is answered from an index, never by
reading every resident (docs/performance.md has the figures at 176,000 residents)."""

import pytest
from django.core.management import call_command
from django.db import connection

from localities import queries, search
from localities.models import Resident

pytestmark = pytest.mark.django_db

MEDIUM_SCALE = 20_000


def test_every_connection_compares_names_at_the_search_threshold():
    """The index-backed operators (%>, %) read their thresholds from the session: if they ever
    differ, search quietly finds fewer (or more) people than the code says."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        assert float(cursor.fetchone()[0]) == search.NAME_SIMILARITY
        cursor.execute("SHOW pg_trgm.similarity_threshold")
        assert float(cursor.fetchone()[0]) == search.WHOLE_NAME_SIMILARITY


def test_the_planner_knows_trigram_comparison_is_expensive():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, procost FROM pg_proc WHERE proname IN "
            "('word_similarity_commutator_op', 'word_similarity', 'similarity')"
        )
        assert dict(cursor.fetchall()) == {
            "word_similarity_commutator_op": 100,
            "word_similarity": 100,
            "similarity": 100,
        }


def pick(residents, predicate) -> Resident:
    return next(r for r in residents if predicate(r))


def test_every_kind_of_search_uses_an_index_at_medium_scale(practitioner):
    call_command("load_synthetic_residents", MEDIUM_SCALE, seed=7, stdout=None)
    grays = Resident.objects.visible_to(practitioner).working().order_by("pk")
    sample = list(grays[:2000])
    surname_counts: dict[str, int] = {}
    for r in Resident.objects.values_list("full_name", flat=True):
        surname_counts[r.split()[-1]] = surname_counts.get(r.split()[-1], 0) + 1
    commonest = max(surname_counts, key=surname_counts.__getitem__)
    rare = pick(sample, lambda r: surname_counts[r.full_name.split()[-1]] <= 20)
    with_nhs = pick(sample, lambda r: r.nhs_number)
    typo = rare.full_name[:-2] + rare.full_name[-1] + rare.full_name[-2]  # last letters swapped
    kinds = {
        "rare full name": (rare.full_name, "resident_search_name_trgm", rare),
        "commonest surname": (commonest, "resident_word_order", None),
        "rare surname": (rare.full_name.split()[-1], "resident_search_name_trgm", rare),
        "typo": (typo, "resident_search_name_trgm", rare),
        "name without its space": (rare.full_name.replace(" ", ""), "resident_compact_name_trgm",
                                   rare),
        "postcode district": (rare.postcode.split()[0], "resident_district_name", None),
        "full postcode": (rare.postcode, "resident_postcode", rare),
        "date of birth": (rare.date_of_birth.strftime("%d/%m/%Y"), "resident_date_of_birth", rare),
        "NHS number": (with_nhs.nhs_number, "resident_nhs_number", with_nhs),
    }  # fmt: skip
    assert surname_counts[commonest] >= MEDIUM_SCALE // 100  # a common name: many matches
    problems = []
    for kind, (text, index, expected) in kinds.items():
        query = queries.search_query(practitioner, text)
        plan = query.explain()
        exact = search.exact_word(Resident.objects.visible_to(practitioner), search.parse(text))
        if exact is not None:  # a name of one word is first looked up exactly
            plan += "\n" + exact.explain()
        found = list(query)
        if "Seq Scan on localities_resident" in plan or index not in plan:
            problems.append(f"{kind} ({text!r}) is not answered from {index}:\n{plan}")
        if expected is not None and expected not in found:
            problems.append(f"{kind} ({text!r}) does not find {expected.full_name}")
        if not found:
            problems.append(f"{kind} ({text!r}) finds nobody")
    assert not problems, "\n\n".join(problems)


def test_trigram_indexes_keep_no_pending_list():
    """A GIN pending list is read in full by every search until the next vacuum: at 20,000
    residents added in bulk it made each name search three times slower."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid"
            " WHERE i.indrelid = 'localities_resident'::regclass AND c.relname LIKE '%%trgm'"
        )
        assert dict(cursor.fetchall()) == {
            "resident_search_name_trgm": ["fastupdate=off"],
            "resident_compact_name_trgm": ["fastupdate=off"],
        }
