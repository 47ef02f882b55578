"""python manage.py load_synthetic_residents 176000: a borough's worth of made-up residents."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from localities import synthetic
from thurrock_care.accounts.models import Role, User

SYNTHETIC_USER = "synthetic-data@thurrock-care.invalid"
MAX_COUNT = 2_000_000


class Command(BaseCommand):
    help = (
        "Add N synthetic residents (realistic names, Thurrock postcodes, search names as the "
        "services fill them), fast, for measuring speed. Never on a live database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int, help=f"how many residents (1 to {MAX_COUNT:,})")
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same people")

    def handle(self, *args: object, count: int, seed: int, **options: object) -> None:
        if not 1 <= count <= MAX_COUNT:
            raise CommandError(f"count must be between 1 and {MAX_COUNT:,}, not {count:,}")
        with transaction.atomic():
            # Records need someone who added them: an account that cannot sign in.
            author, _ = User.objects.get_or_create(
                email=SYNTHETIC_USER,
                defaults={
                    "full_name": "Synthetic data",
                    "role": Role.ADMINISTRATOR,
                    "is_active": False,
                },
            )
            synthetic.load(count, seed=seed, created_by_id=author.pk)
        self.stdout.write(f"Added {count:,} synthetic residents.")
