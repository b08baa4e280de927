"""Dyadic ties: the unit every density measure counts, and the two backends that produce them.

A *tie* is one fact of a counted category (see :data:`graph.schema.CATEGORIES`) seen from
one pair of top-level actors it involves. A multilateral exercise of four states is one fact
and six ties; each of them knows ``n = 4``, the number of actors of its fact, so that a
measure can tell a bilateral tie (``n = 2``) from a multilateral one and weight it.
Both backends return the same :class:`Tie` list: ``ties_from_dataset`` from the bundled files,
``ties_from_neo4j`` from the loaded graph (each fact's ``actors`` property).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tiegraph.graph.schema import CATEGORIES
from tiegraph.loaders.dates import date_key

if TYPE_CHECKING:
    from tiegraph.loaders.dataset import Dataset


@dataclass(frozen=True, order=True)
class Tie:
    """One counted fact between actors ``a`` < ``b`` (ids). ``when`` is a partial date or None;
    ``terminated`` is set for agreements that ended; ``n`` is the number of top-level actors
    of the fact (2: bilateral)."""

    a: str
    b: str
    fact: str
    category: str
    when: str | None = None
    terminated: str | None = None
    n: int = 2

    @property
    def bilateral(self) -> bool:
        """Return True when the fact involves exactly the two actors of the tie."""
        return self.n == 2

    @property
    def year(self) -> int | None:
        """Return the year of the tie, or None when undated."""
        return int(self.when[:4]) if self.when else None


@dataclass(frozen=True)
class Window:
    """A time window. ``since``/``until`` bound the tie's date (inclusive, at the precision
    given); ``as_of`` is ``until`` that also drops agreements terminated by then. Undated ties
    are kept only when no bound is set."""

    since: str | None = None
    until: str | None = None
    as_of: str | None = None

    def check(self) -> Window:
        """Return the window itself when its bounds are in order; raise ValueError saying what
        to write when ``since`` begins after ``until`` (or ``as_of``) ends: such a window holds
        nothing, and an empty answer would read as "no ties"."""
        for name, bound in (("--until", self.until), ("--as-of", self.as_of)):
            if self.since and bound and date_key(self.since) > date_key(bound, end=True):
                raise ValueError(
                    f"--since {self.since} is after {name} {bound}: the window is empty; "
                    f"write the earlier date after --since (e.g. --since {bound} {name} "
                    f"{self.since})")
        return self

    @property
    def bounded(self) -> bool:
        """Return True when any bound is set."""
        return bool(self.since or self.until or self.as_of)

    def keeps(self, tie: Tie) -> bool:
        """Return True when ``tie`` falls inside the window."""
        if not self.bounded:
            return True
        if tie.when is None:
            return False
        if self.since and date_key(tie.when, end=True) < date_key(self.since):
            return False
        for bound in (self.until, self.as_of):
            if bound and date_key(tie.when) > date_key(bound, end=True):
                return False
        return not (
            self.as_of
            and tie.terminated
            and date_key(tie.terminated) <= date_key(self.as_of, end=True)
        )


def tie_category(fact: Any) -> str | None:
    """Return the tie category of a fact, or None when it is not a tie: a type that is not
    counted (series, memberships) or an event marked ``status: planned`` (announced,
    postponed or cancelled: it did not happen as a tie)."""
    if getattr(fact, "status", None) == "planned":
        return None
    return CATEGORIES.get(fact.type)


def _pairs(
    fact_id: str, category: str, actors: list[str], when: str | None, terminated: str | None
) -> list[Tie]:
    distinct = sorted(set(actors))
    return [
        Tie(a, b, fact_id, category, when, terminated, len(distinct))
        for a, b in itertools.combinations(distinct, 2)
    ]


def ties_from_dataset(ds: Dataset) -> list[Tie]:
    """Return every tie of the dataset, sorted."""
    ties: list[Tie] = []
    for fid, fact in ds.facts.items():
        category = tie_category(fact)
        if category:
            ties += _pairs(
                fid,
                category,
                ds.actors_of(fact),
                getattr(fact, "when", None),
                getattr(fact, "terminated", None),
            )
    return sorted(ties)


TIES_CYPHER = """
MATCH (f:Fact)
WHERE f.category IS NOT NULL
RETURN f.id AS fact, f.category AS category, f.when AS when, f.terminated AS terminated,
       f.actors AS actors
"""


def ties_from_neo4j(driver: Any, database: str) -> list[Tie]:
    """Return every tie of the loaded graph (same result as :func:`ties_from_dataset`)."""
    ties: list[Tie] = []
    with driver.session(database=database) as session:
        for rec in session.run(TIES_CYPHER):
            ties += _pairs(
                rec["fact"], rec["category"], rec["actors"], rec["when"], rec["terminated"]
            )
    return sorted(ties)
