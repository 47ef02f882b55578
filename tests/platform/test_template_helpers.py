"""Template helpers (thurrock_care/templatetags/govuk.py) write what Django's own would."""

from datetime import UTC, datetime, time

import pytest
from django.template import engines


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 7, 1, 8, 5, tzinfo=UTC),  # British Summer Time: 09:05
        datetime(2026, 12, 1, 23, 59, 59, tzinfo=UTC),  # Greenwich Mean Time: 23:59
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # the night the clocks go forward: 00:30
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # the night they go back: 01:30
        time(7, 0),
        None,
        "",
    ],
)
def test_clock_writes_what_time_h_i_writes(value):
    django = engines["django"]
    ours = django.from_string("{{ value|clock }}").render({"value": value})
    theirs = django.from_string('{{ value|time:"H:i" }}').render({"value": value})
    assert ours == theirs
    if isinstance(value, datetime):
        assert ours == {7: "09:05", 12: "23:59", 3: "00:30", 10: "01:30"}[value.month]
