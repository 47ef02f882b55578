"""Finding residents: one search box for names (typos tolerated), dates of birth, postcodes and
NHS numbers; and the likely duplicates shown before a new record is created."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db.models import FloatField, Q, Value
from django.db.models.functions import Greatest

from localities.models import (
    CompactName,
    PostcodeDistrict,
    Resident,
    ResidentQuerySet,
)
from thurrock_care.forms import DATE_FORMATS

# How like a word of a resident's name each word typed must be (word similarity), or how like
# the whole name the whole name typed (similarity). The index-backed operators (`%>`, `%`)
# compare with pg_trgm.word_similarity_threshold and pg_trgm.similarity_threshold, which every
# connection sets to these values (DATABASES OPTIONS in settings.py; a test checks they agree).
NAME_SIMILARITY = 0.3
WHOLE_NAME_SIMILARITY = 0.5
DUPLICATE_SIMILARITY = 0.5  # similarity of whole names that makes a likely duplicate
POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b", re.IGNORECASE)
NHS_NUMBER = re.compile(r"[0-9]{10}")
OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$", re.IGNORECASE)
MAX_RESULTS = 50


# Marks that are accents, not parts of letters, dropped so that "Siobhán" is found by
# "siobhan": the general combining diacritics (after NFKD they carry the accents of Latin, Greek
# and Cyrillic: é, ό, ё), Cyrillic titlo, Hebrew points, Arabic vowel and hamza marks (optional
# in writing: "أحمد" and "احمد" are one name) and variation selectors. Marks of other scripts
# are parts of letters and are kept: a Devanagari vowel sign or virama, a Thai tone mark, the
# Japanese voicing mark (が is not か).
ACCENT_MARKS = (
    (0x0300, 0x036F), (0x0483, 0x0489), (0x0591, 0x05C7), (0x0610, 0x061A), (0x064B, 0x065F),
    (0x0670, 0x0670), (0x06D6, 0x06ED), (0x08CA, 0x08FF), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF), (0xFE00, 0xFE0F), (0xFE20, 0xFE2F), (0xE0100, 0xE01EF),
)  # fmt: skip
APOSTROPHES = "'`\u00b4\u02b9\u02bb\u02bc\u02be\u02bf\u2018\u2019\u2032\uff07\uff40"
# Letters that are the same letter for a search but do not decompose into letter and accent;
# and Arabic and Persian forms of one letter (as search engines fold them), tatweel dropped.
LETTERS = {
    "æ": "ae", "ð": "d", "đ": "d", "ħ": "h", "\u0131": "i", "ł": "l", "ø": "o", "œ": "oe",
    "ŧ": "t", "þ": "th",
    "\u0640": "", "\u0671": "\u0627", "\u0629": "\u0647", "\u0649": "\u064a",
    "\u06cc": "\u064a", "\u06a9": "\u0643",
}  # fmt: skip


def _name_character(char: str) -> str | None:
    """What normalise_name makes of one character (after NFKD and case folding)."""
    category = unicodedata.category(char)
    code = ord(char)
    if char in LETTERS:
        return LETTERS[char]
    if category[0] == "M" and any(low <= code <= high for low, high in ACCENT_MARKS):
        return None
    if char in APOSTROPHES or category == "Cf":  # Cf: zero-width joiners, bidi marks, soft hyphen
        return None  # nothing, not a space: the word stays whole
    if category == "Nd":
        return str(unicodedata.decimal(char))
    return char if category[0] in "LMN" else " "


def _typed_character(char: str) -> str:
    """What normalise_typed makes of one character (after NFKC, which leaves "٩" alone)."""
    category = unicodedata.category(char)
    if category == "Nd":
        return str(unicodedata.decimal(char))
    return "-" if category == "Pd" else char


class _Table(dict[int, str | None]):
    """A str.translate table worked out one character at a time, as characters are met."""

    def __init__(self, character: Callable[[str], str | None]) -> None:
        super().__init__()
        self.character = character

    def __missing__(self, code: int) -> str | None:
        kept = self.character(chr(code))
        if len(self) < 20_000:  # bounded: unusual input cannot grow it without end
            self[code] = kept
        return kept


NAME_CHARACTERS = _Table(_name_character)
TYPED_CHARACTERS = _Table(_typed_character)
NO_APOSTROPHES = str.maketrans("", "", APOSTROPHES)


def normalise_name(text: str) -> str:
    """A name as search compares it, in any script: case folded, accents and apostrophes
    dropped ("O'Leary" → "oleary", "Łukasz" → "lukasz"), every letter, digit and mark that is
    part of a letter kept ("अनिल", "李小龙"), words separated by single spaces."""
    # Apostrophes go first: NFKD would turn the acute accent U+00B4 into a space and a mark.
    text = unicodedata.normalize("NFKD", text.translate(NO_APOSTROPHES))
    text = unicodedata.normalize("NFKD", text.casefold()).translate(NAME_CHARACTERS)
    # Recomposed, so that Korean is stored as syllables rather than jamo.
    return unicodedata.normalize("NFC", " ".join(text.split()))


def normalise_typed(text: str) -> str:
    """A number, date or code as typed, in plain ASCII where it matters: full-width letters
    and digits (as CJK keyboards type them), digits of any script ("٩٤٣" → "943"), and any
    dash as "-"."""
    return unicodedata.normalize("NFKC", text).translate(TYPED_CHARACTERS)


def normalise_nhs_number(text: str) -> str:
    """An NHS number as typed, without its spaces and dashes: "٩٤٣ ٤٧٦-٥٩١٩" → "9434765919"."""
    return "".join(normalise_typed(text).replace("-", " ").split())


def search_name(full_name: str, preferred_name: str = "") -> str:
    # Normalising can lengthen text ("㎯" becomes "rad s2"); the column holds 320 characters.
    return normalise_name(f"{full_name} {preferred_name}")[:320]


def normalise_postcode(text: str) -> str:
    match = POSTCODE.fullmatch(text.strip())
    return f"{match[1]} {match[2]}".upper() if match else ""


def parse_date(text: str) -> date | None:
    text = " ".join(text.replace(",", " ").split())
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


@dataclass
class Query:
    name: str = ""
    date_of_birth: date | None = None
    postcode: str = ""
    outward_code: str = ""
    nhs_number: str = ""

    @property
    def is_empty(self) -> bool:
        return not (
            self.name or self.date_of_birth or self.postcode or self.outward_code or self.nhs_number
        )


def parse(text: str) -> Query:
    """What the user typed, read as a name, a date of birth, a postcode or an NHS number."""
    text = normalise_typed(" ".join(text.split())[:200])
    query = Query()
    if NHS_NUMBER.fullmatch(digits := normalise_nhs_number(text)):
        query.nhs_number = digits
        return query
    if whole_date := parse_date(text):
        query.date_of_birth = whole_date
        return query
    if match := POSTCODE.search(text):
        query.postcode = f"{match[1]} {match[2]}".upper()
        text = (text[: match.start()] + text[match.end() :]).strip()
    words = []
    for word in text.split():
        if query.date_of_birth is None and (found := parse_date(word)):
            query.date_of_birth = found
        elif not query.postcode and OUTWARD_CODE.match(word) and any(c.isdigit() for c in word):
            query.outward_code = word.upper()
        else:
            words.append(word)
    query.name = normalise_name(" ".join(words))
    return query


def search(residents: ResidentQuerySet, query: Query) -> ResidentQuerySet:
    """Residents (already through the gate) matching every part of the query, best first.
    Every part is answered from an index (docs/performance.md), never by reading every
    resident. A name of one word is first looked up exactly (one query, here)."""
    if query.is_empty:
        return residents.none()
    if query.nhs_number:
        residents = residents.filter(nhs_number=query.nhs_number)
    if query.date_of_birth:
        residents = residents.filter(date_of_birth=query.date_of_birth)
    if query.postcode:
        residents = residents.filter(postcode=query.postcode)
    if query.outward_code:
        residents = residents.alias(district=PostcodeDistrict("postcode")).filter(
            district=query.outward_code
        )
    if not query.name:
        return residents.order_by("full_name", "id")
    if (exact := exact_word(residents, query)) is not None:
        # A word as common as "smith": a page of people with exactly that word in their name
        # comes first in any case (their score is 1), and it is found without scoring the
        # thousands of names like it.
        found = list(exact.values_list("pk", flat=True)[:MAX_RESULTS])
        if len(found) == MAX_RESULTS:
            # These ids came through the gate (and every filter of `residents`) just now:
            # reading them by id needs no second copy of the gate in the query.
            return (
                Resident.objects.filter(pk__in=found)
                .annotate(score=Value(1.0, output_field=FloatField()))
                .order_by("full_name", "id")
            )
    # Every word typed is like a word of the name, typos tolerated ("siobahn olary"): each
    # answered by the trigram index, so a rare surname after a common first name finds a few
    # people, not every Harry. Or the whole name is like the whole name typed, for a typo that
    # changes too much of a short word ("harry kedlon"). Or the name typed without its spaces
    # ("annmarie", "mcdonald") is inside the stored name without its spaces; under three
    # letters that has no trigram to look up, and adds nothing the words do not find.
    words = Q()
    for word in query.name.split():
        words &= Q(search_name__trigram_word_similar=word)
    matches = words | Q(search_name__trigram_similar=query.name)
    if len(compact := query.name.replace(" ", "")) >= 3:
        matches |= Q(compact_name__contains=compact)
    return (
        residents.alias(compact_name=CompactName("search_name"))
        .annotate(score=TrigramWordSimilarity(query.name, "search_name"))
        .filter(matches)
        .order_by("-score", "full_name", "id")
    )


def exact_word(residents: ResidentQuerySet, query: Query) -> ResidentQuerySet | None:
    """For a name of one word, the residents with exactly that word in their name, in name
    order (from the index of words); None for a name of several words."""
    if not query.name or " " in query.name:
        return None
    # Ordered by the word's own copy of the name (the same order as the residents' full_name
    # and id), so that a page is read from the index of words in order (ResidentWord).
    return residents.filter(words__word=query.name).order_by(
        "words__full_name", "words__resident_id"
    )


def likely_duplicates(
    *,
    full_name: str,
    date_of_birth: date | None,
    postcode: str,
    nhs_number: str,
    exclude_pk: int | None = None,
) -> ResidentQuerySet:
    """Records that may be the same person: the same NHS number, or a similar name with the
    same date of birth or postcode. Searches all records, not only those the user may see."""
    name = search_name(full_name)
    same_person = Q(pk__in=[])
    if nhs_number:
        same_person |= Q(nhs_number=nhs_number)
    near = Q(pk__in=[])
    if date_of_birth:
        near |= Q(date_of_birth=date_of_birth)
    if postcode:
        near |= Q(postcode=postcode)
    similar_name = Q(pk__in=[])
    if name:  # a name with no letters or digits at all is like no other (nor like itself)
        similar_name = Q(name_score__gte=DUPLICATE_SIMILARITY) | Q(
            compact_name=name.replace(" ", "")
        )
    candidates = (
        Resident.objects.exclude(status=Resident.Status.MERGED)
        .alias(compact_name=CompactName("search_name"))
        .annotate(
            name_score=Greatest(
                TrigramSimilarity("search_name", name),
                TrigramWordSimilarity(name, "search_name"),
            ),
        )
        .filter(same_person | (similar_name & near))
        .select_related("neighbourhood__locality")
        .order_by("-name_score", "id")
    )
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    return candidates[:10]


def closely_named(residents: ResidentQuerySet, name: str, threshold: float) -> ResidentQuerySet:
    """Residents whose whole name is close to `name` (already normalised): not a word of it,
    the whole of it, so that "s" or "." is close to nobody."""
    if not name.replace(" ", ""):
        return residents.none()
    return residents.annotate(whole_score=TrigramSimilarity("search_name", name)).filter(
        Q(whole_score__gte=threshold) | Q(search_name=name)
    )
