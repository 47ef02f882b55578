"""python manage.py generate_thurrock --scale full: a borough's worth of made-up records."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from thurrock_care.synthetic import SCALES
from thurrock_care.synthetic.build import existing_data, generate


class Command(BaseCommand):
    help = (
        "Fill an empty, migrated database with a realistic made-up borough (residents, staff, "
        "introductions, conversations, drop-ins, MDTs, Wellbeing Teams and visits, the audit "
        "trail, notifications), fast, for measuring speed. Never on a live database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same rows")
        parser.add_argument(
            "--now",
            type=datetime.fromisoformat,
            help="the moment the data ends at, e.g. 2026-11-24T10:00+00:00 (default: the start "
            "of this hour); the same seed and moment make the same rows",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="add to a database that already holds records that were not generated",
        )

    def handle(
        self,
        *args: object,
        scale: str,
        seed: int,
        force: bool,
        now: datetime | None,
        **options: object,
    ) -> None:
        if now is not None and timezone.is_naive(now):
            raise CommandError("--now needs a time zone, e.g. 2026-11-24T10:00+00:00")
        others, generated = existing_data()
        if others and not force:
            raise CommandError(
                f"This database holds {others:,} staff accounts and residents that were not "
                "generated. Generated data is for development and benchmark databases only; "
                "pass --force to add it anyway."
            )
        if generated:
            raise CommandError(
                f"This database already holds generated data ({generated:,} records): "
                "generate into a fresh database (drop it and run the migrations)."
            )
        self.stdout.write(f"Generating the {scale} scale with seed {seed}:")
        generate(scale=scale, seed=seed, now=now, report=self.stdout.write)
