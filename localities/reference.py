"""The four PCN localities and their neighbourhoods (DESIGN.md, from the council's documents)."""

LOCALITIES = [
    {
        "name": "Aveley, South Ockendon and Purfleet",
        "short_name": "ASOP",
        "slug": "asop",
        "neighbourhoods": ["Aveley", "South Ockendon", "Purfleet"],
    },
    {
        "name": "Grays",
        "short_name": "Grays",
        "slug": "grays",
        "neighbourhoods": [
            "Grays",
            "Blackshots",
            "West Thurrock",
            "Stifford Clays",
            "Chafford Hundred",
        ],
    },
    {
        "name": "Stanford-le-Hope, Corringham and the villages",
        "short_name": "Stanford & Corringham",
        "slug": "stanford-corringham",
        "neighbourhoods": [
            "Stanford-le-Hope",
            "Corringham",
            "Bulphan",
            "Fobbing",
            "Horndon-on-the-Hill",
            "Orsett",
        ],
    },
    {
        "name": "Tilbury and Chadwell",
        "short_name": "Tilbury & Chadwell",
        "slug": "tilbury-chadwell",
        "neighbourhoods": [
            "Tilbury",
            "Chadwell St Mary",
            "East Tilbury",
            "West Tilbury",
            "Linford",
        ],
    },
]


def load_localities(locality_model, neighbourhood_model) -> None:
    """Create or update the reference localities (idempotent; used by a data migration)."""
    for entry in LOCALITIES:
        locality, _ = locality_model.objects.update_or_create(
            slug=entry["slug"],
            defaults={"name": entry["name"], "short_name": entry["short_name"]},
        )
        for name in entry["neighbourhoods"]:
            neighbourhood_model.objects.update_or_create(name=name, defaults={"locality": locality})
