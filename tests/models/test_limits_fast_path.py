"""The range and text checks' fast paths give the verdict of the full checks, edges included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from models.limits import _SURROGATE, EARLIEST, LATEST, converted_problem, moment_problem, text_problem
from tests.conftest import EXAMPLES

ZONES: list[tzinfo] = [UTC, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Pago_Pago"),
                       ZoneInfo("Asia/Tehran"), timezone(timedelta(hours=23, minutes=59)),
                       timezone(-timedelta(hours=23, minutes=59))]


edges = st.sampled_from([EARLIEST, LATEST]).flatmap(
    lambda edge: st.integers(-4 * 86400, 4 * 86400).map(lambda s: edge + timedelta(seconds=s)))


@settings(max_examples=EXAMPLES)
@given(st.one_of(edges, st.datetimes(min_value=datetime(1890, 1, 1), max_value=datetime(2210, 1, 1),
                                     timezones=st.just(UTC))),
       st.sampled_from(ZONES), st.none() | st.sampled_from(ZONES))
def test_the_fast_path_agrees_with_converting(utc_moment: datetime, written_in: tzinfo,
                                              review_zone: tzinfo | None) -> None:
    try:
        moment = utc_moment.astimezone(written_in)
    except OverflowError:
        return  # not a moment anyone can write down in that zone
    assert moment_problem(moment, review_zone) == converted_problem(moment, review_zone)


@settings(max_examples=EXAMPLES)
@given(st.text(), st.none() | st.integers(0, 50))
def test_the_ascii_shortcut_agrees_with_the_surrogate_search(value: str, limit: int | None) -> None:
    problem = text_problem(value, limit)
    if "\x00" not in value and _SURROGATE.search(value) is not None:
        assert problem is not None and "half of a character" in problem
    elif "\x00" not in value and (limit is None or len(value) <= limit):
        assert problem is None
