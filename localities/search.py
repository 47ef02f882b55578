"""Finding residents: one search box for names (typos tolerated), dates of birth, postcodes and
NHS numbers; and the likely duplicates shown before a new record is created."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest, Replace

from localities.models import Resident, ResidentQuerySet

NAME_SIMILARITY = 0.3  # word similarity of the typed name to a resident's name
DUPLICATE_SIMILARITY = 0.5  # similarity of whole names that makes a likely duplicate
POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b", re.IGNORECASE)
OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$", re.IGNORECASE)
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %m %Y", "%d %B %Y", "%d %b %Y"]
MAX_RESULTS = 50


def normalise_name(text: str) -> str:
    """Lower case, no accents, no apostrophes ("O'Leary" → "oleary"), single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub("['`\u2018\u2019]", "", text)  # straight and curly apostrophes
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


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
    text = " ".join(text.split())[:200]
    query = Query()
    digits = re.sub(r"[\s-]", "", text)
    if len(digits) == 10 and digits.isdigit():
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
    """Residents (already through the gate) matching every part of the query, best first."""
    if query.is_empty:
        return residents.none()
    if query.nhs_number:
        residents = residents.filter(nhs_number=query.nhs_number)
    if query.date_of_birth:
        residents = residents.filter(date_of_birth=query.date_of_birth)
    if query.postcode:
        residents = residents.filter(postcode=query.postcode)
    if query.outward_code:
        residents = residents.filter(postcode__startswith=f"{query.outward_code} ")
    if not query.name:
        return residents.order_by("full_name", "id")
    compact = query.name.replace(" ", "")
    return (
        residents.annotate(
            compact_name=Replace(F("search_name"), Value(" "), Value("")),
            score=TrigramWordSimilarity(query.name, "search_name"),
        )
        .filter(Q(score__gte=NAME_SIMILARITY) | Q(compact_name__contains=compact))
        .order_by("-score", "full_name", "id")
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
    similar_name = Q(name_score__gte=DUPLICATE_SIMILARITY) | Q(compact_name=name.replace(" ", ""))
    candidates = (
        Resident.objects.exclude(status=Resident.Status.MERGED)
        .annotate(
            compact_name=Replace(F("search_name"), Value(" "), Value("")),
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
