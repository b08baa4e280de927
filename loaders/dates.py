"""Partial dates (ISO 8601 prefixes that keep the source's precision), without heavy imports."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

_DATE_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")  # ASCII digits only


def check_date(value: str) -> str:
    """Return ``value`` if it is a real YYYY, YYYY-MM or YYYY-MM-DD date; raise ValueError."""
    match = _DATE_RE.fullmatch(value)
    if not match:
        raise ValueError(
            f"{value!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD "
            "with the precision the source gives"
        )
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date ({exc})") from None
    return value


def precision(date: str) -> Literal["year", "month", "day"]:
    """Return the precision of a partial date: ``"year"``, ``"month"`` or ``"day"``."""
    return {4: "year", 7: "month", 10: "day"}[len(date)]  # type: ignore[return-value]


def date_key(date: str, *, end: bool = False) -> str:
    """Return a full ``YYYY-MM-DD`` for sorting and windows: the first (or last) day covered."""
    if len(date) == 10:
        return date
    if len(date) == 7:
        if not end:
            return date + "-01"
        year, month = int(date[:4]), int(date[5:7])
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        return (nxt - dt.timedelta(days=1)).isoformat()
    return date + ("-12-31" if end else "-01-01")
