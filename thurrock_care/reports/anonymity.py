"""Whether a text identifies the resident it is about: their names (full, preferred, each
name of three letters or more), NHS number, date of birth (written the usual ways) or
postcode (with or without its space, any case). What is found is listed so the writer can
take it out; a case study is never published while anything is found."""

from __future__ import annotations

import re
import unicodedata

from localities.models import Resident

COMMON_WORDS = frozenset({"the", "and", "mrs", "mr", "miss", "ms", "dr"})


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def identifying_details(text: str, resident: Resident) -> list[str]:
    """What in `text` identifies `resident`, described without repeating it in full."""
    folded = _fold(text)
    words = set(re.findall(r"[^\W\d_]+", folded))
    found = []
    names = {_fold(w) for n in (resident.full_name, resident.preferred_name) for w in
             re.findall(r"[^\W\d_]+", n)}  # fmt: skip
    if any(len(name) >= 3 and name not in COMMON_WORDS and name in words for name in names):
        found.append("their name")
    digits = re.sub(r"\D", "", folded)
    if resident.nhs_number and resident.nhs_number in digits:
        found.append("their NHS number")
    born = resident.date_of_birth
    if born:
        written = ["%d/%m/%Y", "%-d/%-m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%-d %B %Y", "%-d %b %Y"]
        if any(_fold(born.strftime(way)) in folded for way in [*written, "%d/%m/%y"]):
            found.append("their date of birth")
    if resident.postcode:
        squashed = re.sub(r"\s", "", folded)
        if _fold(resident.postcode).replace(" ", "") in squashed:
            found.append("their postcode")
    return found
