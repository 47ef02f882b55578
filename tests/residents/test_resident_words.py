"""The index of name words (localities.models.ResidentWord) that resident search reads a
common name's page from is kept by a trigger, whatever writes a resident: it always holds
exactly the words of each record's search name, beside its full name."""

import pytest

from localities import queries
from localities.models import Neighbourhood, Resident, ResidentWord
from localities.services import residents as services
from tests.factories import ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def words(resident: Resident) -> set[tuple[str, str]]:
    return set(ResidentWord.objects.filter(resident=resident).values_list("word", "full_name"))


def test_a_new_record_s_words_are_its_search_name_s(practitioner):
    resident = ResidentFactory(full_name="Siobhán O'Leary-Smith", preferred_name="Shiv")
    assert resident.search_name == "siobhan oleary smith shiv"
    assert words(resident) == {
        (word, "Siobhán O'Leary-Smith") for word in ["siobhan", "oleary", "smith", "shiv"]
    }


def test_a_name_changed_any_way_changes_its_words(coordinator):
    resident = ResidentFactory(full_name="Ann Smith")
    services.update_resident(
        resident=resident, by=coordinator, version=resident.version, full_name="Ann Jones"
    )
    assert words(resident) == {("ann", "Ann Jones"), ("jones", "Ann Jones")}
    # A bulk update, as a data fix would write it, with no service involved.
    Resident.objects.filter(pk=resident.pk).update(full_name="Ann Brown", search_name="ann brown")
    assert words(resident) == {("ann", "Ann Brown"), ("brown", "Ann Brown")}
    kept = set(ResidentWord.objects.filter(resident=resident).values_list("pk", flat=True))
    Resident.objects.filter(pk=resident.pk).update(postcode="RM16 2AA")  # not a name
    assert set(ResidentWord.objects.filter(resident=resident).values_list("pk", flat=True)) == kept


def test_a_merge_leaves_each_record_its_own_words(personas):
    from thurrock_care.accounts.models import Role

    administrator = personas[Role.ADMINISTRATOR]
    survivor = ResidentFactory(full_name="Mary Smith")
    duplicate = ResidentFactory(full_name="Mary Smyth", preferred_name="Molly")
    merge = services.merge_residents(survivor=survivor, duplicate=duplicate, by=administrator)
    # The survivor had no preferred name: it takes the duplicate's, and so its word.
    assert words(survivor) == {("mary", "Mary Smith"), ("smith", "Mary Smith"),
                               ("molly", "Mary Smith")}  # fmt: skip
    assert {word for word, _ in words(duplicate)} == {"mary", "smyth", "molly"}
    services.reverse_merge(merge=merge, by=administrator)
    assert words(survivor) == {("mary", "Mary Smith"), ("smith", "Mary Smith")}
    assert {word for word, _ in words(duplicate)} == {"mary", "smyth", "molly"}


def test_a_renamed_resident_is_found_by_the_new_name_only(practitioner, coordinator):
    grays = Neighbourhood.objects.get(name="Grays")
    author = UserFactory()
    for n in range(55):  # a page and more: the words' index answers alone
        ResidentFactory(full_name=f"Person{n:02} Smith", neighbourhood=grays, created_by=author)
    renamed = Resident.objects.get(full_name="Person00 Smith")
    services.update_resident(
        resident=renamed, by=coordinator, version=renamed.version, full_name="Aaron Smith"
    )
    found = queries.search_results(practitioner, "smith")
    assert found[0] == renamed  # "Aaron Smith" comes first by name now
    assert [r.full_name for r in found] == sorted(r.full_name for r in found)
    assert "Person00 Smith" not in {r.full_name for r in found}
