"""The one date normaliser (veracity.dates), shared by the page reader and the search APIs:
the formats both used to read, at the precision the value carries, and never a guess."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from veracity.dates import date_from_parts, epoch_ms_date, normalize_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # ISO dates and date-times (pages' metadata, every JSON API)
        ("2023-05-03", "2023-05-03"),
        ("2024-03-05T10:00:00Z", "2024-03-05"),
        ("2024-03-05 10:00", "2024-03-05"),
        ("2021-03-04T23:30:00+08:00", "2021-03-04"),
        ("2023-05", "2023-05"),
        ("2023/05/03", "2023-05-03"),
        ("2021.03.04", "2021-03-04"),
        ("20210304", "2021-03-04"),
        ("D:20200101120000Z", "2020-01-01"),
        ("D:20200101120000+01'00'", "2020-01-01"),
        # years only
        ("2023", "2023"),
        (1999, "1999"),
        ("'2023'", "2023"),
        # written out, as pages and the web APIs print them
        ("May 3, 2023", "2023-05-03"),
        ("Mar 4, 2024", "2024-03-04"),
        ("Sept 9, 2023", "2023-09-09"),
        ("3 May 2023", "2023-05-03"),
        ("4 March 2021", "2021-03-04"),
        ("3rd May 2023", "2023-05-03"),
        ("May 2023", "2023-05"),
        ("June 2024", "2024-06"),
        ("Thu, 12 Jun 2025 09:00:00 GMT", "2025-06-12"),
        ("March 4, 2021 10:00 AM EST", "2021-03-04"),
        # Chinese
        ("2023年5月3日", "2023-05-03"),
        ("2021年3月4日", "2021-03-04"),
        ("2023年5月", "2023-05"),
        ("2023年", "2023"),
        ("2023 年 5 月 3 号", "2023-05-03"),
        # objects
        (datetime(2020, 5, 6, 7, 8), "2020-05-06"),
        (date(2019, 1, 2), "2019-01-02"),
    ],
)
def test_dates_both_normalisers_read(value: object, expected: str) -> None:
    assert normalize_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "3 days ago", "2 hours ago", "yesterday", "next week", "Thursday", "May", "12:00",
        "1999 was a year", "2024-02-30", "2024-13", "2021-02-30", "Mar 4, 24",
        "05/03/2023",  # May 3 or March 5: no guess
        "0999", "9999-01-01", "", "   ", None, True, 3.5, [],
    ],
)
def test_no_date_is_guessed(value: object) -> None:
    assert normalize_date(value) is None


def test_date_parts_and_epochs() -> None:
    assert date_from_parts(2022, 7, 26) == "2022-07-26"
    assert date_from_parts(2022, 7) == "2022-07"
    assert date_from_parts(2022, None, 5) == "2022", "a day without a month says nothing"
    assert date_from_parts(2022) == "2022"
    assert date_from_parts(None) is None
    assert date_from_parts(2022, 2, 31) is None and date_from_parts(2022, 13) is None
    assert epoch_ms_date(1577836800000) == "2020-01-01"
    assert epoch_ms_date(None) is None and epoch_ms_date(-5) is None


def test_the_reader_and_the_search_providers_share_it() -> None:
    from veracity.reader import html
    from veracity.search import openalex, serper

    assert html.normalize_date is normalize_date
    assert serper.normalize_date is normalize_date and openalex.normalize_date is normalize_date
