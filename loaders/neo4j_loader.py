"""Write a :class:`~graph.projection.GraphSpec` into Neo4j: batched, idempotent and atomic.

A load runs in **one** managed write transaction: it first takes a lock (the ``LoadInfo``
node, so concurrent loads run one after the other), reads the graph as it is, computes the
difference to the wanted graph, and writes only that difference with ``UNWIND`` batches and
label-qualified ``MERGE`` on constrained keys. Nodes and relationships the data no longer
holds are deleted. If anything fails before the commit — the server stops, the connection
drops, the process is killed — Neo4j rolls the transaction back and the previous graph stays
whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tiegraph.graph.connect import (  # noqa: F401  (re-exported: the loader's API)
    UNCONFIRMED_COMMIT,
    open_driver,
    redact_uri,
    translate_errors,
)
from tiegraph.graph.errors import RefusedError, ServerError
from tiegraph.graph.projection import GraphSpec, Node, Rel
from tiegraph.graph.schema import (
    DATA_GROUPS,
    NODE_TYPES,
    check_label,
    check_rel_type,
    constraint_statements,
    from_db,
    to_db,
)

BATCH_SIZE = 5000
#: A load without ``prune`` refuses to remove more than this share of the graph's facts.
PRUNE_SHARE = 0.10
Progress = Callable[[str, int], None]


def _rule_name(stmt: str) -> str:
    """Return the name of the constraint or index that a ``CREATE ... IF NOT EXISTS``
    statement of :func:`graph.schema.constraint_statements` creates."""
    words = stmt.split()
    return words[words.index("IF") - 1]


def init_schema(driver: Any, database: str) -> list[str]:
    """Create the schema's constraints and indexes (idempotent) and wait until every index is
    online; return the statements of the schema. When every constraint and index is present
    by name and online already (a database loaded before), one read checks it and nothing
    else runs: the statements run are the missing ones."""
    from neo4j.exceptions import ClientError

    stmts = constraint_statements()
    with driver.session(database=database) as session:
        def rules(tx: Any) -> dict[str, str]:
            out = {r["name"]: "ONLINE" for r in tx.run("SHOW CONSTRAINTS YIELD name")}
            # a constraint's backing index has its name: its state counts
            out.update({r["name"]: r["state"] for r in tx.run("SHOW INDEXES YIELD name, state")})
            return out

        present = session.execute_read(rules)
        missing = [s for s in stmts if _rule_name(s) not in present]
        if not missing and all(present[_rule_name(s)] == "ONLINE" for s in stmts):
            return stmts
        for stmt in missing:
            # A managed transaction, so that a deadlock with a concurrent load creating the same
            # schema is retried (an auto-commit session.run is not). IF NOT EXISTS can still
            # lose that race: the rule then exists, which is all this asks.
            try:
                session.execute_write(lambda tx, stmt=stmt: tx.run(stmt).consume())
            except ClientError as exc:
                if exc.code != "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists":
                    raise
        # a query of the fulltext index fails while it is populating: wait until it is online
        session.run("CALL db.awaitIndexes(300)").consume()
    return stmts


# --- reading the graph as it is ---------------------------------------------------------------


def read_graph_state(tx: Any) -> GraphSpec:
    """Return the tiegraph part of the database as a :class:`GraphSpec`."""
    state = GraphSpec()
    groups = " OR ".join(f"n:{g}" for g in DATA_GROUPS)
    for rec in tx.run(f"MATCH (n) WHERE {groups} RETURN labels(n) AS labels, properties(n) AS p"):
        labels = rec["labels"]
        group = next(g for g in DATA_GROUPS if g in labels)
        rest = sorted(lbl for lbl in labels if lbl != group)
        state.nodes[rec["p"]["id"]] = Node(rec["p"]["id"], (group, *rest), from_db(rec["p"]))
    for rec in tx.run(
        "MATCH (a)-[r]->(b) WHERE r.key IS NOT NULL "
        "RETURN type(r) AS t, a.id AS a, b.id AS b, properties(r) AS p"
    ):
        p = from_db(rec["p"])
        state.rels[p["key"]] = Rel(p["key"], rec["t"], rec["a"], rec["b"], p)
    return state


# --- the difference -----------------------------------------------------------------------------


@dataclass
class Diff:
    """What a load changes. Each list holds node ids or relationship keys."""

    create_nodes: list[str] = field(default_factory=list)
    update_nodes: list[str] = field(default_factory=list)
    delete_nodes: list[str] = field(default_factory=list)
    create_rels: list[str] = field(default_factory=list)
    update_rels: list[str] = field(default_factory=list)
    delete_rels: list[str] = field(default_factory=list)
    summary: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    @property
    def empty(self) -> bool:
        """Return True when the load changes nothing."""
        return not any(
            (
                self.create_nodes,
                self.update_nodes,
                self.delete_nodes,
                self.create_rels,
                self.update_rels,
                self.delete_rels,
            )
        )

    def table(self) -> list[dict[str, Any]]:
        """Return rows ``{what, name, created, updated, removed}`` for labels and types."""
        rows = []
        for name in sorted(self.summary, key=lambda n: (n.startswith(":"), n)):
            c = self.summary[name]
            rows.append(
                {
                    "what": "node" if name[0] != ":" else "relationship",
                    "name": name.lstrip(":"),
                    "created": c["created"],
                    "updated": c["updated"],
                    "removed": c["removed"],
                }
            )
        return rows


def _node_label(node: Node) -> str:
    return node.labels[-1]


def compute_diff(current: GraphSpec, wanted: GraphSpec) -> Diff:
    """Return the :class:`Diff` that turns ``current`` into ``wanted``."""
    diff = Diff()
    for nid, node in wanted.nodes.items():
        old = current.nodes.get(nid)
        if old is None:
            diff.create_nodes.append(nid)
            diff.summary[_node_label(node)]["created"] += 1
        elif old.props != node.props or set(old.labels) != set(node.labels):
            diff.update_nodes.append(nid)
            diff.summary[_node_label(node)]["updated"] += 1
    for nid, node in current.nodes.items():
        if nid not in wanted.nodes:
            diff.delete_nodes.append(nid)
            diff.summary[_node_label(node)]["removed"] += 1
    for key, rel in wanted.rels.items():
        old_rel = current.rels.get(key)
        if old_rel is None:
            diff.create_rels.append(key)
            diff.summary[":" + rel.type]["created"] += 1
        elif old_rel.props != rel.props:
            diff.update_rels.append(key)
            diff.summary[":" + rel.type]["updated"] += 1
    for key, rel in current.rels.items():
        if key not in wanted.rels:
            diff.delete_rels.append(key)
            diff.summary[":" + rel.type]["removed"] += 1
    return diff


def removal_refusal(current: GraphSpec, diff: Diff, examples: int = 5) -> str | None:
    """Return why a load of ``diff`` onto ``current`` needs ``--prune`` (it removes more than
    :data:`PRUNE_SHARE` of the facts, or every fact of a source), listing the facts it would
    remove by source and kind with a few ids; return None when it may go ahead."""
    facts = {nid for nid, n in current.nodes.items() if n.labels[0] == "Fact"}
    removed = sorted(nid for nid in diff.delete_nodes if nid in facts)
    if not removed:
        return None
    source_of: dict[str, set[str]] = defaultdict(set)
    for rel in current.rels.values():
        if rel.type == "CITES" and rel.start in facts:
            source_of[rel.start].add(rel.end)
    per_source: Counter[str] = Counter(s for f in facts for s in source_of[f])
    gone: Counter[str] = Counter(s for f in removed for s in source_of[f])
    emptied = sorted(s for s, n in gone.items() if n == per_source[s])
    if len(removed) <= PRUNE_SHARE * len(facts) and not emptied:
        return None
    kinds = Counter(_node_label(current.nodes[f]) for f in removed)
    why = [f"more than {PRUNE_SHARE:.0%} of the facts"] if len(removed) > PRUNE_SHARE * len(
        facts) else []
    why += [f"all facts of source {s}" for s in emptied]
    return "\n".join([
        f"refused: this load would remove {len(removed)} of the {len(facts)} facts in the "
        f"database ({'; '.join(why)}); nothing was written",
        "  by source: " + ", ".join(f"{s} {n} of {per_source[s]}" for s, n in sorted(gone.items())),
        "  by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())),
        "  e.g. " + ", ".join(removed[:examples]) + (" ..." if len(removed) > examples else ""),
        "If the data folder is right (no file missing), run again with --prune.",
    ])


# --- writing ------------------------------------------------------------------------------------


def _batches(rows: list[Any], size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _group_of(spec: GraphSpec, current: GraphSpec, node_id: str) -> str:
    node = spec.nodes.get(node_id) or current.nodes[node_id]
    return node.labels[0]


def write_diff(
    tx: Any, current: GraphSpec, wanted: GraphSpec, diff: Diff, progress: Progress | None = None
) -> None:
    """Apply ``diff`` inside the transaction ``tx``: deletions, then nodes, then relationships.

    Labels and relationship types are written into the query text only after the schema
    checks them; every value travels as a parameter.
    """

    def tick(stage: str, n: int) -> None:
        if progress:
            progress(stage, n)

    by_type: dict[str, list[str]] = defaultdict(list)
    for key in diff.delete_rels:
        by_type[current.rels[key].type].append(key)
    for rel_type, keys in by_type.items():
        check_rel_type(rel_type)
        for batch in _batches(keys):
            tx.run(
                f"UNWIND $keys AS k MATCH ()-[r:{rel_type} {{key: k}}]->() DELETE r", keys=batch
            ).consume()
            tick("delete relationships", len(batch))
    by_group: dict[str, list[str]] = defaultdict(list)
    for nid in diff.delete_nodes:
        by_group[current.nodes[nid].labels[0]].append(nid)
    for group, ids in by_group.items():
        check_label(group)
        for batch in _batches(ids):
            tx.run(
                f"UNWIND $ids AS id MATCH (n:{group} {{id: id}}) DETACH DELETE n", ids=batch
            ).consume()
            tick("delete nodes", len(batch))

    for create, ids in ((True, diff.create_nodes), (False, diff.update_nodes)):
        by_label: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for nid in ids:
            node = wanted.nodes[nid]
            by_label[(node.labels[0], node.labels[-1])].append(
                {"id": nid, "props": to_db(node.props)})
        for (group, label), rows in by_label.items():
            check_label(group)
            check_label(label)
            if create:  # absent under the lock: CREATE (the id constraint still guards)
                query = f"UNWIND $rows AS row CREATE (n:{group}:{label}) SET n = row.props"
            else:
                others = [t.label for t in NODE_TYPES.values()
                          if t.group == group and t.label != label]
                remove = f"REMOVE n:{':'.join(others)} " if others else ""
                query = (f"UNWIND $rows AS row MATCH (n:{group} {{id: row.id}}) "
                         f"SET n = row.props {remove}SET n:{label}")
            for batch in _batches(rows):
                tx.run(query, rows=batch).consume()
                tick("write nodes", len(batch))

    for create, keys in ((True, diff.create_rels), (False, diff.update_rels)):
        by_shape: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for key in keys:
            rel = wanted.rels[key]
            shape = (rel.type, _group_of(wanted, current, rel.start),
                     _group_of(wanted, current, rel.end))
            by_shape[shape].append({"start": rel.start, "end": rel.end, "key": key,
                                    "props": to_db(rel.props)})
        for (rel_type, g1, g2), rows in by_shape.items():
            check_rel_type(rel_type)
            check_label(g1)
            check_label(g2)
            if create:
                # Not MERGE: the difference was computed under the lock in this transaction,
                # and MERGE of a relationship expands every relationship of its type between
                # its end nodes: two busy actors share thousands of EXERCISED_WITH edges.
                query = (f"UNWIND $rows AS row MATCH (a:{g1} {{id: row.start}}) "
                         f"MATCH (b:{g2} {{id: row.end}}) "
                         f"CREATE (a)-[r:{rel_type}]->(b) SET r = row.props "
                         "RETURN count(r) AS n")
            else:  # the key holds both ends: found through the index on it
                query = (f"UNWIND $rows AS row MATCH ()-[r:{rel_type} {{key: row.key}}]->() "
                         "SET r = row.props RETURN count(r) AS n")
            for batch in _batches(rows):
                n = tx.run(query, rows=batch).single()["n"]
                if n != len(batch):
                    raise RuntimeError(
                        f"wrote {n} of {len(batch)} {rel_type} relationships: an end node "
                        "is missing (changed by another client?)")
                tick("write relationships", len(batch))


def spec_hash(spec: GraphSpec) -> str:
    """Return a SHA-256 of the graph's content (order-independent)."""
    h = hashlib.sha256()
    for nid in sorted(spec.nodes):
        node = spec.nodes[nid]
        h.update(json.dumps([nid, sorted(node.labels), node.props], sort_keys=True).encode())
    for key in sorted(spec.rels):
        rel = spec.rels[key]
        h.update(
            json.dumps([key, rel.type, rel.start, rel.end, rel.props], sort_keys=True).encode()
        )
    return h.hexdigest()


@dataclass
class LoadResult:
    """The outcome of a load: its diff, whether it was written, and the graph's hash."""

    diff: Diff
    written: bool
    data_hash: str
    refusal: str | None = None


def load_graph(
    driver: Any,
    wanted: GraphSpec,
    database: str,
    *,
    dry_run: bool = False,
    prune: bool = True,
    progress: Progress | None = None,
    before_commit: Callable[[], None] | None = None,
) -> LoadResult:
    """Bring the database to exactly ``wanted`` in one transaction; return what changed.

    With ``dry_run`` nothing is written (the diff is computed in a read transaction).
    ``before_commit`` is called inside the transaction after all writes (tests use it to
    interrupt a load at its most fragile point). Without ``prune`` a load that
    :func:`removal_refusal` objects to raises :class:`graph.errors.RefusedError` before any
    write (a dry run only reports it, in ``LoadResult.refusal``).
    """
    data_hash = spec_hash(wanted)
    with driver.session(database=database) as session:
        if dry_run:
            current = session.execute_read(read_graph_state)
            diff = compute_diff(current, wanted)
            refusal = None if prune else removal_refusal(current, diff)
            return LoadResult(diff, False, data_hash, refusal)
        init_schema(driver, database)

        def work(tx: Any) -> Diff:
            # The lock: every load MERGEs and updates this node first, so a second concurrent
            # load waits here and then sees the first one's committed graph.
            tx.run(
                "MERGE (m:LoadInfo {id: 'graph'}) SET m.lock = coalesce(m.lock, 0) + 1"
            ).consume()
            current = read_graph_state(tx)
            diff = compute_diff(current, wanted)
            if not prune and (refusal := removal_refusal(current, diff)):
                raise RefusedError(refusal)
            write_diff(tx, current, wanted, diff, progress)
            tx.run(
                "MATCH (m:LoadInfo {id: 'graph'}) SET m = $props",
                props={
                    "id": "graph",
                    "loaded_at": dt.datetime.now(dt.UTC).isoformat(),
                    "data_hash": data_hash,
                    "nodes": len(wanted.nodes),
                    "relationships": len(wanted.rels),
                },
            ).consume()
            if before_commit:
                before_commit()
            return diff

        diff = session.execute_write(work)
        # A committed write always comes back with a bookmark. A server that stops while the
        # load waits to commit can answer COMMIT without one after rolling the load back: the
        # driver then returns as if the commit had succeeded.
        if not session.last_bookmarks().raw_values:
            raise ServerError(UNCONFIRMED_COMMIT)
    return LoadResult(diff, True, data_hash)


def read_networkx(driver: Any, database: str) -> Any:
    """Return the loaded graph read back from Neo4j as a networkx MultiDiGraph, in the same
    shape as :func:`graph.projection.to_networkx` builds offline."""
    from tiegraph.graph.projection import to_networkx

    with driver.session(database=database) as session:
        return to_networkx(session.execute_read(read_graph_state))


def database_fingerprint(driver: Any, database: str) -> str:
    """Return a SHA-256 of everything in the database (every node's labels and properties,
    every relationship's type, ends and properties), independent of internal ids: two equal
    fingerprints mean the content is the same."""

    def work(tx: Any) -> str:
        nodes = sorted(
            json.dumps([sorted(r["l"]), r["p"]], sort_keys=True, default=str)
            for r in tx.run("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
        )
        rels = sorted(
            json.dumps([r["t"], r["a"], r["b"], r["p"]], sort_keys=True, default=str)
            for r in tx.run(
                "MATCH (a)-[r]->(b) RETURN type(r) AS t, properties(a) AS a, "
                "properties(b) AS b, properties(r) AS p"
            )
        )
        return hashlib.sha256("\n".join(nodes + ["--"] + rels).encode()).hexdigest()

    with driver.session(database=database) as session:
        return session.execute_read(work)
