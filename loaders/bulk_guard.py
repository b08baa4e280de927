"""The removal guard of ``bulk-load`` (issue 16 item 2), like ``load``'s
(:func:`loaders.neo4j_loader.removal_refusal`).

A bulk load removes no fact: facts absent from the folder stay. But it brings every fact of
the folder that the database already holds to exactly its new form, so it deletes what the
folder no longer gives that fact: a participant, a citation, and every disputed claim (the bulk
format has no form for claims). Before the first write, :func:`bulk_removal_refusal` compares
each chunk with the database (read transactions, the same reading as the write pass) and
objects when the load would

* remove anything from more than :data:`~loaders.neo4j_loader.PRUNE_SHARE` of the facts in the
  database, or
* remove a disputed claim (a claim curated in YAML that no bulk folder can bring back).

Into a database that holds no fact there is nothing to remove, and nothing is read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from tiegraph.graph.projection import GraphSpec


def _fact_count(tx: Any) -> int:
    """Return the number of Fact nodes in the database."""
    return tx.run("MATCH (f:Fact) RETURN count(f) AS n").single()["n"]


def bulk_removal_refusal(driver: Any, database: str, chunks: Iterable[tuple[GraphSpec, int]],
                         examples: int = 5) -> str | None:
    """Return why writing ``chunks`` (the bulk load's projected chunks) needs ``--prune``,
    with what it would remove (relationships by type, claims, a few fact ids); return None when
    it may go ahead. Reads only."""
    from tiegraph.loaders.bulk import _owner, read_owned
    from tiegraph.loaders.neo4j_loader import PRUNE_SHARE, compute_diff

    with driver.session(database=database) as session:
        facts = session.execute_read(_fact_count)
        if facts == 0:
            return None
        stripped: set[str] = set()
        by_type: Counter[str] = Counter()
        claims: list[str] = []
        for spec, _ in chunks:
            current = session.execute_read(read_owned, spec)
            diff = compute_diff(current, spec)
            for key in diff.delete_rels:
                rel = current.rels[key]
                by_type[rel.type] += 1
                owner = current.nodes.get(_owner(rel))
                if owner is not None and owner.labels[0] == "Fact":
                    stripped.add(owner.id)
            claims += [nid for nid in diff.delete_nodes
                       if current.nodes[nid].labels[0] == "Claim"]
    if len(stripped) <= PRUNE_SHARE * facts and not claims:
        return None
    why = [f"more than {PRUNE_SHARE:.0%} of the facts"] if len(stripped) > PRUNE_SHARE * facts \
        else []
    if claims:
        why.append(f"{len(claims)} claim(s) of disputed fields, which a bulk folder cannot hold")
    ids = sorted(stripped)
    return "\n".join([
        f"refused: this bulk load would remove relationships or claims of {len(ids)} of the "
        f"{facts} facts in the database ({'; '.join(why)}); nothing was written",
        "  by type: " + ", ".join(f"{t} {n}" for t, n in sorted(by_type.items()))
        + (f", Claim nodes {len(claims)}" if claims else ""),
        "  e.g. " + ", ".join(ids[:examples]) + (" ..." if len(ids) > examples else ""),
        "If the folder is meant to replace those facts' participants, citations and claims, "
        "run again with --prune.",
    ])
