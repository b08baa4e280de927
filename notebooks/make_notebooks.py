"""Write the notebooks of this folder from the cells below, with no outputs.

Run ``python notebooks/make_notebooks.py`` after editing a cell here; the ``.ipynb`` files are
generated, so edit this script rather than the notebooks (or re-run it and strip outputs when
a notebook was edited in Jupyter). ``tests/test_notebooks.py`` executes them.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SOURCE_NOTE = """\
**Data source.** The first code cell reads `SOURCE = os.environ.get("TIEGRAPH_SOURCE",
"files")`. By default (`files`) the notebook answers from the bundled, validated fact files,
offline. Start Jupyter with `TIEGRAPH_SOURCE=neo4j` (plus the `NEO4J_URI`, `NEO4J_USERNAME`,
`NEO4J_PASSWORD` and `NEO4J_DATABASE` settings, from the environment or `.env`) to read the
same ties from a Neo4j database loaded with `tiegraph load`; every number below is then
computed from the database. Both backends return the same ties, so the results agree.

Every sentence of the readings printed below the cells is computed from the data when the
notebook runs; nothing in them is typed in by hand."""

SETUP = '''\
import os
from io import BytesIO

import matplotlib

matplotlib.use("Agg")  # render off-screen; figures are shown inline as PNG by show()
import matplotlib.pyplot as plt
import networkx as nx
import pandas as pd
from IPython.display import Image, Markdown, display

from tiegraph.graph import network
from tiegraph.graph.api import (
    densest,
    densest_by_measure,
    open_backend,
    resolve,
    ties_per_year,
    top_actor,
)
from tiegraph.graph.depth import COMPONENT_KEYS, COMPONENTS
from tiegraph.graph.schema import CATEGORY_ORDER
from tiegraph.graph.ties import Window

SOURCE = os.environ.get("TIEGRAPH_SOURCE", "files")
backend = open_backend(SOURCE)

pd.set_option("display.precision", 3)
pd.set_option("display.max_colwidth", 120)
CATEGORY_COLOURS = dict(zip(CATEGORY_ORDER, plt.get_cmap("tab10").colors, strict=False))


def show(fig):
    """Display a matplotlib figure inline as a PNG image and close it."""
    buf = BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buf.getvalue(), format="png"))


def say(text):
    """Display a reading computed from the data as Markdown."""
    display(Markdown(text))


def label(actor_id):
    """Return a short label for plots: the id of a state, the shortest alias of others."""
    actor = backend.actors[actor_id]
    if actor.kind == "state":
        return actor.id
    return min((actor.name, *actor.aliases), key=len)


def pair(row):
    """Return 'A–B' for a densest() row."""
    return f"{row['a']}–{row['b']}"


def listing(items):
    """Return 'a', 'a and b' or 'a, b and c'."""
    items = list(items)
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else items[0]


def runs(values):
    """Phrase (date, value) pairs by runs of equal values: 'X at every date' or
    'X in 2000, Y from 2010'."""
    values = list(values)
    if len({v for _, v in values}) == 1:
        return f"{values[0][1]} at every date"
    parts, previous = [], object()
    for i, (when, v) in enumerate(values):
        if v != previous:
            last = i == len(values) - 1 or values[i + 1][1] != v
            parts.append(f"{v} {'in' if last else 'from'} {when}")
            previous = v
    return ", ".join(parts)


say(f"Source: **{backend.source}**: {len(backend.actors)} actors, {len(backend.ties)} ties.")'''


def notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """Return a notebook of ("md" | "code", text) cells for the python3 kernel."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, text in cells:
        text = text.strip("\n")
        nb.cells.append(new_markdown_cell(text) if kind == "md" else new_code_cell(text))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


# --- 01: network metrics --------------------------------------------------------------------

METRICS: list[tuple[str, str]] = [
    ("md", """\
# Network metrics of the tie graph

Who sits at the centre of the network of security ties, which partnerships are densest, and
which groups of actors cluster together. Two graphs are analysed with `graph.network`:

* the **state graph**: one node per state or international organisation with at least one
  tie, one edge per pair with ties; the edge `weight` is the weighted tie count (agreements
  3, exercises and operations 2, dialogues, visits and exchanges 1), `count` the number of
  ties;
* the **full graph**: actors (services, agencies and units included) and facts as nodes,
  joined by the relationships that place an actor in a fact.

A *tie* is one counted fact between two top-level actors: a four-nation exercise is one fact
and six ties.

""" + SOURCE_NOTE),
    ("code", SETUP),
    ("md", """\
## The state graph

Its size, density, connectedness and degree distribution (`network.graph_stats`)."""),
    ("code", '''\
G = network.actor_graph_of(backend)
stats = network.graph_stats(G)
display(pd.Series(stats, name="state graph").to_frame())

hub = max(G.degree, key=lambda nd: nd[1])[0]
hub_ties = sum(1 for t in backend.ties if hub in (t.a, t.b))
say(
    f"The state graph has **{stats['nodes']} actors** and **{stats['edges']} partnerships** "
    f"(density {stats['density']:.3f}, {stats['components']} connected component(s)). "
    f"Degrees are very uneven: the median actor has {stats['degree_median']:.0f} partner(s) "
    f"and the best-connected, **{G.nodes[hub]['name']}**, has {stats['degree_max']}; "
    f"{hub_ties} of the {len(backend.ties)} ties ({hub_ties / len(backend.ties):.0%}) involve "
    f"it."
    + (" The data set is collected around Japan's partnerships, so the graph is close to a "
       "star around that hub, with other actors attached mainly through the multilateral "
       "exercises and operations they joined." if hub_ties > len(backend.ties) / 2 else "")
)'''),
    ("code", '''\
pos = nx.spring_layout(G, seed=7, weight=None, k=1.6 / len(G) ** 0.5)
strength = dict(G.degree(weight="weight"))
fig, ax = plt.subplots(figsize=(11, 8))
widths = [0.4 + 4 * G.edges[e]["weight"] / max(nx.get_edge_attributes(G, "weight").values())
          for e in G.edges]
nx.draw_networkx_edges(G, pos, ax=ax, width=widths, alpha=0.35, edge_color="grey")
colours = ["tab:blue" if G.nodes[v]["kind"] == "state" else "tab:orange" for v in G]
nx.draw_networkx_nodes(G, pos, ax=ax, node_color=colours,
                       node_size=[60 + 2.5 * strength[v] for v in G], alpha=0.85)
nx.draw_networkx_labels(G, pos, labels={v: label(v) for v in G}, ax=ax, font_size=8)
ax.set_title("State graph: node size = weighted degree, edge width = weight "
             "(blue: states, orange: organisations)")
ax.axis("off")
show(fig)'''),
    ("md", """\
## Centrality

`network.centrality` computes five measures for every node of the state graph:

* **degree**: number of partners;
* **weighted degree**: the sum of the weights of a node's edges (its weighted ties);
* **betweenness**: the share of shortest paths between other actors that pass through the
  node (a heavier tie is a shorter path);
* **eigenvector**: a node is central when its partners are central (weighted);
* **PageRank**: the share of time a random walk along weighted ties spends at the node."""),
    ("code", '''\
cent = pd.DataFrame(network.centrality(G)).set_index("rank")
display(cent.head(15))'''),
    ("code", '''\
ranked = {m: network.centrality(G, [m], top=5) for m in network.MEASURES}
leaders = pd.DataFrame({m: [label(r["id"]) for r in rows] for m, rows in ranked.items()},
                       index=pd.RangeIndex(1, 6, name="rank"))
display(leaders)

first = {m: rows[0]["name"] for m, rows in ranked.items()}
second = {m: rows[1]["name"] for m, rows in ranked.items()}
if len(set(first.values())) == 1:
    lead = f"**{next(iter(first.values()))}** leads on every measure"
else:
    lead = "the leader depends on the measure: " + ", ".join(
        f"{m.replace('_', ' ')}: {v}" for m, v in first.items())
zero_btw = int((cent["betweenness"] == 0).sum())
top_btw = cent.sort_values("betweenness", ascending=False).iloc[0]
say(
    f"In the state graph {lead}. Second place depends on what is counted: "
    + ", ".join(f"{m.replace('_', ' ')}: {v}" for m, v in second.items())
    + f". Betweenness is concentrated: {top_btw['name']} lies on "
    f"{top_btw['betweenness']:.0%} of the shortest paths between other actors, and "
    f"{zero_btw} of {len(cent)} actors have a betweenness of 0 (no shortest path between "
    f"two others runs through them). Counting partners (degree) rewards actors that joined "
    f"large multilateral exercises; the weighted measures (weighted degree, eigenvector, "
    f"PageRank) reward a few intense bilateral relationships."
)'''),
    ("code", '''\
top = cent.head(10)
fig, axes = plt.subplots(1, 3, figsize=(14, 4.5), sharey=True)
for ax, m in zip(axes, ["degree", "eigenvector", "pagerank"], strict=True):
    ax.barh([label(i) for i in top["id"]][::-1], top[m][::-1], color="tab:blue")
    ax.set_title(m)
fig.suptitle("Centrality of the ten actors with most partners")
show(fig)'''),
    ("md", """\
## Densest partnerships

`densest()` ranks actor pairs by their number of ties (the `count` measure), with one
column per category; `weighted` weighs agreements 3, exercises and operations 2, the
rest 1."""),
    ("code", '''\
dense = pd.DataFrame(densest(backend, top=12)).set_index("rank")
display(dense[["a", "b", *CATEGORY_ORDER, "total", "breadth"]])

all_pairs = densest(backend)
best = all_pairs[0]
top3 = sum(r["total"] for r in all_pairs[:3])
weighted = densest(backend, measure="weighted", top=5)
not_hub = [r for r in all_pairs if hub not in (r["a_id"], r["b_id"])]
reading = (
    f"The densest partnership is **{pair(best)}** with **{best['total']} ties** in "
    f"{best['breadth']} of {len(CATEGORY_ORDER)} categories (the largest: "
    f"{(big_c := max(CATEGORY_ORDER, key=lambda c: best[c]))}, {best[big_c]}). "
    f"The three densest pairs "
    f"hold {top3} of the {len(backend.ties)} ties ({top3 / len(backend.ties):.0%}); "
    f"{sum(1 for r in all_pairs if r['total'] == 1)} of {len(all_pairs)} pairs have a "
    f"single tie. Weighted (agreements and exercises counting more) the order of the top five "
    f"is {', '.join(pair(r) for r in weighted)}."
)
if not_hub:
    tied = [pair(r) for r in not_hub if r["total"] == not_hub[0]["total"]]
    reading += (f" Among pairs without {G.nodes[hub]['name']}, the densest "
                f"{'is' if len(tied) == 1 else 'are'} {listing(tied)} with "
                f"{not_hub[0]['total']} ties{'' if len(tied) == 1 else ' each'}.")
say(reading)'''),
    ("code", '''\
top = dense.head(10).iloc[::-1]
fig, ax = plt.subplots(figsize=(10, 5))
left = pd.Series(0, index=top.index)
for c in CATEGORY_ORDER:
    ax.barh([pair(r) for _, r in top.iterrows()], top[c], left=left, label=c,
            color=CATEGORY_COLOURS[c])
    left = left + top[c]
ax.set_xlabel("ties")
ax.set_title("The ten densest partnerships, ties by category")
ax.legend(loc="lower right", fontsize=8)
show(fig)'''),
    ("md", """\
## Volume against depth: Japan's partners

The four measures of `densest()` ask different questions of the same ties. `count` and
`weighted` measure *volume* (how many ties; agreements and exercises weigh more, and a
co-participation in an event of *n* actors counts 1/(n−1)); `breadth` counts the categories
with at least one tie; `depth` (`graph.depth`, docs/analysis.md) asks what the two sides have
built that lasts: six components scaled 0–1 as of one date — agreement kinds in force
(institutions), standing dialogues by level (mechanisms), services of both sides that
exercised together (forces), joint projects (industry), joint operations, and recent ties per
year (intensity) — and their mean. Below, Japan's partners as of 2019-12-31 (the date of the
RAND report's data), the rank of each under every measure (`densest --compare`), then the
components of the deepest partners."""),
    ("code", '''\
AS_OF = "2019-12-31"
by_measure = densest_by_measure(backend, window=Window(until=AS_OF), focus="Japan")
japan = top_actor(backend, resolve(backend, "Japan"))


def partner(row):
    """Return the id of the partner of Japan in a densest() row."""
    return row["b_id"] if row["a_id"] == japan else row["a_id"]


depth_rows = by_measure["depth"]
shown = [partner(r) for r in depth_rows[:8]]
ranks = pd.DataFrame(
    {m: {partner(r): r["rank"] for r in rows} for m, rows in by_measure.items()}
).loc[shown]
ranks.index = [label(p) for p in shown]
ranks["ties"] = [next(r["total"] for r in depth_rows if partner(r) == p) for p in shown]
ranks["depth score"] = [next(r["score"] for r in depth_rows if partner(r) == p) for p in shown]
display(ranks)

first = {m: backend.actors[partner(rows[0])].name for m, rows in by_measure.items()}
top_ties = [r for r in by_measure["breadth"] if r["rank"] == 1]
deep, second = depth_rows[0], depth_rows[1]
beats = [c for c in COMPONENTS if deep[COMPONENT_KEYS[c]] > second[COMPONENT_KEYS[c]]]
say(
    f"As of {AS_OF}, `count` puts **{first['count']}** first and `weighted` "
    f"**{first['weighted']}**; `breadth` ties {len(top_ties)} partners at rank 1 "
    f"({listing(label(partner(r)) for r in top_ties)}), so it cannot separate them. "
    f"`depth` puts **{first['depth']}** first ({deep['score']:.2f}) and "
    f"{backend.actors[partner(second)].name} second ({second['score']:.2f}): "
    f"{backend.actors[partner(deep)].name} leads on {listing(beats) if beats else 'nothing'}"
    + (f", although {backend.actors[partner(second)].name} has "
       f"{second['total'] - deep['total']} more ties" if second["total"] > deep["total"]
       else "")
    + f". Volume rewards frequent, cheap ties: {backend.actors[partner(second)].name} has "
    f"{second['visits']} visits and {second['dialogues']} dialogue ties against "
    f"{deep['visits']} and {deep['dialogues']}; depth rewards the kinds of cooperation that "
    "take years to build."
)'''),
    ("code", '''\
top = depth_rows[:6]
fig, ax = plt.subplots(figsize=(11, 5))
width = 0.8 / len(COMPONENTS)
cmap = plt.get_cmap("tab10")
for i, c in enumerate(COMPONENTS):
    ax.bar([j + i * width for j in range(len(top))], [r[COMPONENT_KEYS[c]] for r in top], width,
           label=c, color=cmap(i))
ax.plot([j + 0.4 - width / 2 for j in range(len(top))], [r["score"] for r in top], "k_",
        markersize=30, label="depth (mean)")
ax.set_xticks([j + 0.4 - width / 2 for j in range(len(top))])
ax.set_xticklabels([label(partner(r)) for r in top])
ax.set_ylim(0, 1.2)
ax.set_ylabel("component (0–1)")
ax.set_title(f"Depth components of Japan's six deepest partnerships as of {AS_OF}")
ax.legend(fontsize=8, ncol=4, loc="upper right")
show(fig)

parts = pd.DataFrame({label(partner(r)): {c: r[COMPONENT_KEYS[c]] for c in COMPONENTS}
                      for r in top}).T
leaders = {c: listing(parts.index[parts[c] == parts[c].max()]) for c in COMPONENTS
           if parts[c].max() > 0}
flat = [c for c in COMPONENTS if parts[c].max() == parts[c].min()]
say(
    "Per component the highest value goes to: "
    + "; ".join(f"{c}: {who} ({parts[c].max():.2f})" for c, who in leaders.items())
    + (f". {listing(flat)} {'does' if len(flat) == 1 else 'do'} not separate these partners"
       if flat else "")
    + f". The gap between the first two is widest on "
    f"{(gap := max(COMPONENTS, key=lambda c: abs(parts.iloc[0][c] - parts.iloc[1][c])))} "
    f"({parts.iloc[0][gap]:.2f} against {parts.iloc[1][gap]:.2f}). The partners below the "
    f"top two score highest on {parts.iloc[2:].mean().idxmax()} (mean "
    f"{parts.iloc[2:].mean().max():.2f}) and lowest on {parts.iloc[2:].mean().idxmin()} "
    f"({parts.iloc[2:].mean().min():.2f}). `tiegraph densest --with Japan --measure depth "
    f"--until {AS_OF} --why` lists the facts (ids) behind every value."
)'''),
    ("md", """\
## Communities

Louvain communities of the weighted state graph (`network.communities`, fixed seed), and
Clauset-Newman-Moore greedy modularity for comparison; modularity measures how much more
weight falls inside the communities than chance would put there."""),
    ("code", '''\
comms = {m: network.communities(G, m, seed=0) for m in ("louvain", "greedy")}
for method, rows in comms.items():
    table = pd.DataFrame(rows).set_index("community")
    table["names"] = table["names"].map(", ".join)
    q = nx.community.modularity(G, [set(r["ids"]) for r in rows], weight="weight")
    display(Markdown(f"**{method}**: {len(rows)} communities, modularity {q:.3f}"))
    display(table[["size", "names"]])

louvain = comms["louvain"]
home = next(r for r in louvain if hub in r["ids"])
big = [r["id"] for r in network.centrality(G, ["weighted_degree"], top=5)]
together = [G.nodes[v]["name"] for v in big if v in home["ids"] and v != hub]
same = {frozenset(r["ids"]) for r in comms["louvain"]} == {
    frozenset(r["ids"]) for r in comms["greedy"]}
say(
    f"Louvain finds **{len(louvain)} communities**; the largest has {louvain[0]['size']} "
    f"actors. {G.nodes[hub]['name']} sits in a community of {home['size']}"
    + (f" with {listing(together)} (of the five actors with most weighted ties)"
       if together else "")
    + ". The greedy method "
    + ("finds the same partition." if same else
       f"splits the graph differently ({len(comms['greedy'])} communities): with one dominant "
       "hub the partition is not sharp, and the communities mostly separate the groups of "
       "actors that took part in the same multilateral exercises and operations.")
)'''),
    ("code", '''\
membership = {v: r["community"] for r in louvain for v in r["ids"]}
cmap = plt.get_cmap("tab10")
fig, ax = plt.subplots(figsize=(11, 8))
nx.draw_networkx_edges(G, pos, ax=ax, alpha=0.25, edge_color="grey")
nx.draw_networkx_nodes(G, pos, ax=ax, node_color=[cmap((membership[v] - 1) % 10) for v in G],
                       node_size=[60 + 2.5 * strength[v] for v in G], alpha=0.85)
nx.draw_networkx_labels(G, pos, labels={v: label(v) for v in G}, ax=ax, font_size=8)
ax.set_title("Louvain communities of the state graph (colour = community)")
ax.axis("off")
show(fig)'''),
    ("md", """\
## The full graph

Actors of every kind (states, organisations, services, agencies, units) and facts as nodes.
It is built from the projection of the fact files (`graph.projection.project`), which is
exactly what `tiegraph load` writes to Neo4j, so it is the same graph whichever `SOURCE` is
set; with `SOURCE=neo4j` it is still built from the bundled files."""),
    ("code", '''\
from tiegraph.graph.api import FilesBackend
from tiegraph.graph.projection import project

files = backend if isinstance(backend, FilesBackend) else open_backend("files")
F = network.full_graph(project(files.dataset))
full_stats = network.graph_stats(F)
display(pd.Series(full_stats, name="full graph").to_frame())
kinds = pd.DataFrame(
    [(d["group"], d["kind"]) for _, d in F.nodes(data=True)], columns=["group", "kind"]
).value_counts().rename("nodes").to_frame()
display(kinds)'''),
    ("code", '''\
full = pd.DataFrame(network.centrality(F, ["degree", "betweenness"]))
full["group"] = [F.nodes[i]["group"] for i in full["id"]]
for group in ("Actor", "Fact"):
    display(Markdown(f"**Most connected {group.lower()} nodes**"))
    display(full[full["group"] == group].head(8).set_index("rank")[
        ["id", "name", "kind", "degree", "betweenness"]])

actors_full = full[full["group"] == "Actor"]
# services, agencies and units: the actors that belong to a state
sub = actors_full[[files.actors[i].state is not None for i in actors_full["id"]]]
facts_full = full[full["group"] == "Fact"]
top_fact = facts_full.iloc[0]
isolated = full[full["degree"] == 0]
say(
    f"The full graph has {full_stats['nodes']} nodes and {full_stats['edges']} edges; its "
    f"largest component holds {full_stats['largest_component']} nodes and "
    f"{full_stats['isolates']} nodes are isolated ("
    + ", ".join(f"{n} {k}" for k, n in isolated["kind"].value_counts().items())
    + ": entities that no fact links to). The most connected fact is "
    f"**{top_fact['name']}** ({top_fact['kind']}, {top_fact['degree']} links). "
    + (f"Below the state level ({', '.join(sorted(sub['kind'].unique()))}), the most "
       f"connected actor is {sub.iloc[0]['name']} ({sub.iloc[0]['kind']}, "
       f"{sub.iloc[0]['degree']} links): the full graph shows which services, agencies and "
       f"units carry the cooperation that the state graph folds into their states."
       if len(sub) else "")
)'''),
]

# --- 02: evolution --------------------------------------------------------------------------

EVOLUTION: list[tuple[str, str]] = [
    ("md", """\
# How the ties evolved

Japan's security ties with its main European partners and NATO year by year, the state
graph as it stood at five dates, and each partner's cumulative ties. Undated ties (a few
facts without a date) are left out of every time series; the snapshots use
`Window(as_of=...)`: ties dated up to the end of that year, minus agreements terminated by
then.

""" + SOURCE_NOTE),
    ("code", SETUP),
    ("code", '''\
FOCUS = "Japan"
PARTNERS = ["United Kingdom", "France", "Germany", "NATO"]
SNAPSHOTS = [2000, 2010, 2015, 2019, 2024]
PLOT_SINCE = 1970  # first year drawn in the yearly charts (earlier ties are counted in text)

focus_id = resolve(backend, FOCUS)
partner_ids = {p: resolve(backend, p) for p in PARTNERS}
per_partner = {
    p: pd.DataFrame(ties_per_year(backend, FOCUS, p)).set_index("year") for p in PARTNERS
}'''),
    ("md", """\
## Ties per year, by category

One panel per partner (`ties_per_year(backend, "Japan", partner)`), bars stacked by
category."""),
    ("code", '''\
first_year = min(int(df.index.min()) for df in per_partner.values())
last_year = max(int(df.index.max()) for df in per_partner.values())
years = range(first_year, last_year + 1)
shown = range(max(PLOT_SINCE, first_year), last_year + 1)
fig, axes = plt.subplots(len(PARTNERS), 1, figsize=(12, 2.6 * len(PARTNERS)), sharex=True,
                         sharey=True)
for ax, p in zip(axes, PARTNERS, strict=True):
    df = per_partner[p].reindex(shown, fill_value=0)
    bottom = pd.Series(0, index=df.index)
    for c in CATEGORY_ORDER:
        nz = df[c] > 0
        ax.bar(df.index[nz], df[c][nz], bottom=bottom[nz], color=CATEGORY_COLOURS[c],
               label=c, width=0.85)
        bottom = bottom + df[c]
    ax.set_title(f"{FOCUS}–{p}", loc="left", fontsize=10)
    ax.set_ylabel("ties")
axes[-1].legend(ncol=len(CATEGORY_ORDER), fontsize=8, loc="upper center",
                bbox_to_anchor=(0.5, -0.15))
fig.suptitle(f"{FOCUS}'s ties per year with each partner, by category")
fig.tight_layout()
show(fig)
before = {p: int(df.loc[df.index < shown.start, "total"].sum()) for p, df in per_partner.items()}
if any(before.values()):
    say(f"Not drawn: ties dated before {shown.start} ("
        + ", ".join(f"{p} {n}" for p, n in before.items()) + ").")'''),
    ("code", '''\
summary = pd.DataFrame([
    {"partner": p, "first year": int(df.index.min()), "peak year": int(df["total"].idxmax()),
     "ties in peak year": int(df["total"].max()), "dated ties": int(df["total"].sum()),
     "since 2012": int(df.loc[df.index >= 2012, "total"].sum()),
     **{c: int(df[c].sum()) for c in CATEGORY_ORDER}}
    for p, df in per_partner.items()
]).set_index("partner")
summary["share since 2012"] = summary["since 2012"] / summary["dated ties"]
display(summary)

busiest = summary["ties in peak year"].idxmax()
recent = summary["share since 2012"]
say(
    f"The single busiest year is {summary.loc[busiest, 'peak year']} for {FOCUS}–{busiest} "
    f"({summary.loc[busiest, 'ties in peak year']} ties). "
    + " ".join(
        f"{p}: first dated tie {summary.loc[p, 'first year']}, peak year "
        f"{summary.loc[p, 'peak year']}, most ties in "
        f"{max(CATEGORY_ORDER, key=lambda c: summary.loc[p, c])}."
        for p in summary.index)
    + f" The share of dated ties from 2012 on ranges from {recent.min():.0%} "
    f"({recent.idxmin()}) to {recent.max():.0%} ({recent.idxmax()})."
)'''),
    ("md", """\
## The network at five dates

The state graph as of the end of each snapshot year (`network.actor_graph_of(backend,
Window(as_of=...))`): its size and density, and each main partner's centrality."""),
    ("code", '''\
snap_rows, partner_rows = [], []
for year in SNAPSHOTS:
    Gy = network.actor_graph_of(backend, Window(as_of=str(year)))
    s = network.graph_stats(Gy)
    cent_y = {r["id"]: r for r in network.centrality(Gy)}
    leader = max(cent_y.values(), key=lambda r: r["pagerank"])
    snap_rows.append({
        "as of": year, "actors": s["nodes"], "partnerships": s["edges"],
        "density": s["density"], "mean degree": s["degree_mean"],
        "clustering": s["average_clustering"], "PageRank leader": leader["name"],
        f"{FOCUS} betweenness": cent_y.get(focus_id, {}).get("betweenness", 0.0),
    })
    for p, pid in {FOCUS: focus_id, **partner_ids}.items():
        r = cent_y.get(pid, {})
        partner_rows.append({"as of": year, "actor": p, "degree": r.get("degree", 0),
                             "weighted degree": r.get("weighted_degree", 0.0),
                             "betweenness": r.get("betweenness", 0.0),
                             "eigenvector": r.get("eigenvector", 0.0),
                             "pagerank": r.get("pagerank", 0.0)})
snaps = pd.DataFrame(snap_rows).set_index("as of")
by_actor = pd.DataFrame(partner_rows)
display(snaps)
for measure in ("degree", "pagerank", "betweenness"):
    display(Markdown(f"**{measure}**"))
    display(by_actor.pivot(index="as of", columns="actor", values=measure)[[FOCUS, *PARTNERS]])'''),
    ("code", '''\
a, z = snaps.iloc[0], snaps.iloc[-1]
trend = "fell" if z["density"] < a["density"] else "rose"
pr = by_actor.pivot(index="as of", columns="actor", values="pagerank")[PARTNERS]
second = pr.idxmax(axis=1)
say(
    f"From {SNAPSHOTS[0]} to {SNAPSHOTS[-1]} the network grew from {a['actors']} to "
    f"{z['actors']} actors and from {a['partnerships']} to {z['partnerships']} partnerships; "
    f"density {trend} from {a['density']:.3f} to {z['density']:.3f} (new actors arrive with "
    f"few partners each, so growth and density need not move together). The PageRank leader "
    f"is " + runs(snaps["PageRank leader"].items())
    + "; among the partners, the highest PageRank belongs to " + runs(second.items()) + "."
)'''),
    ("code", '''\
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.2))
ax1.plot(snaps.index, snaps["density"], marker="o", label="density")
ax1.plot(snaps.index, snaps["clustering"], marker="s", label="average clustering")
ax1.set_title("State graph at each snapshot")
ax1.set_xticks(SNAPSHOTS)
ax1.legend()
pr_all = by_actor.pivot(index="as of", columns="actor", values="pagerank")
for actor in [FOCUS, *PARTNERS]:
    ax2.plot(pr_all.index, pr_all[actor], marker="o", label=actor)
ax2.set_title("PageRank")
ax2.set_xticks(SNAPSHOTS)
ax2.legend(fontsize=8)
show(fig)'''),
    ("md", """\
## Cumulative ties per partner

The running total of Japan's dated ties with each partner (the `total` column of
`ties_per_year`, summed over the years)."""),
    ("code", '''\
cumulative = pd.DataFrame(
    {p: df["total"].reindex(years, fill_value=0).cumsum() for p, df in per_partner.items()}
)
display(cumulative.loc[[y for y in SNAPSHOTS if y in cumulative.index]])

fig, ax = plt.subplots(figsize=(11, 5))
drawn = cumulative.loc[shown.start:]
for p in PARTNERS:
    ax.plot(drawn.index, drawn[p], label=f"{FOCUS}–{p}", linewidth=2)
for y in SNAPSHOTS:
    ax.axvline(y, color="grey", linewidth=0.6, linestyle=":")
ax.set_ylabel("cumulative ties")
ax.set_title(f"Cumulative dated ties of {FOCUS} with each partner")
ax.legend()
show(fig)'''),
    ("code", '''\
final = cumulative.iloc[-1].sort_values(ascending=False)
half = {p: int(cumulative.index[cumulative[p] >= final[p] / 2][0]) for p in PARTNERS}
lead = cumulative[PARTNERS].idxmax(axis=1)[cumulative[PARTNERS].max(axis=1) > 0]
say(
    f"By {cumulative.index[-1]} the order is "
    + ", ".join(f"{p} ({int(n)})" for p, n in final.items())
    + ". Half of each partner's ties came by "
    + ", ".join(f"{half[p]} ({p})" for p in PARTNERS)
    + ". The partner with the most cumulative ties (a tie going to the one listed first) was "
    + runs((y, p) for y, p in lead.items()) + "."
)'''),
]

# --- 03: two sources ------------------------------------------------------------------------

FIXTURE_NOTE = "tests/fixtures/datasets/mme_v7.csv"

TWO_SOURCES: list[tuple[str, str]] = [
    ("md", """\
# Two kinds of source: the curated facts beside MME v7

Japan's exercise partners 1980–2010 as the curated facts (the RAND report and the other
documents of `data/`) record them, and as the Multinational Military Exercises data set
(MME, D'Orazio & Galambos, version 7, 1980–2010) records them, side by side; then what
`tiegraph reconcile mme` finds for the United Kingdom, France, Germany and NATO: exercises in
both sources (one exercise with two citations), only in MME, only curated (docs/mme.md).

Both columns come from the library: `open_backend("files", mme=CSV, kinds=...)` selects the
kind of source (`--sources curated` / `--sources mme` on the command line) and `densest()`
counts the exercises per partner; `loaders.reconcile.reconcile()` matches the exercises.

**The MME file.** The project does not ship MME: the notebook reads
`../shared/datasets/mme_v7.csv` (or `$TIEGRAPH_DATASETS/mme_v7.csv`). When it is absent the
notebook says so and uses the five-row test fixture in the same layout (`""" + FIXTURE_NOTE
     + """`), so the cells still run but the numbers are not MME's. The comparison always
reads the fact files (the reconciliation needs the facts themselves, not only their ties);
a Neo4j database loaded with `tiegraph load --with-mme` holds the same ties."""),
    ("code", SETUP),
    ("code", '''\
from pathlib import Path

from tiegraph.loaders.mme import MME_SOURCE
from tiegraph.loaders.paths import default_datasets_dir
from tiegraph.loaders.reconcile import MME_SPAN, reconcile

FOCUS = "Japan"
PARTNERS = ["United Kingdom", "France", "Germany", "NATO"]
SPAN = Window(since=MME_SPAN[0], until=MME_SPAN[1])
FIXTURE = Path("..") / "''' + FIXTURE_NOTE + '''"

datasets = default_datasets_dir()
MME_CSV = datasets / "mme_v7.csv" if datasets else None
REAL = MME_CSV is not None and MME_CSV.is_file()
if REAL:
    say(f"MME: the published file `{MME_CSV}` ({MME_SOURCE.title}).")
else:
    say(f"**The MME v7 file is absent**: there is no `mme_v7.csv` in "
        f"`{datasets or '../shared/datasets'}`. This notebook uses the small test fixture "
        f"`{FIXTURE}` (same layout, five rows) instead, so **the MME numbers below are not "
        f"MME's**. Download the CSV ({MME_SOURCE.publisher}) and put it in "
        f"`../shared/datasets/` or point `TIEGRAPH_DATASETS` at its folder.")
    MME_CSV = FIXTURE.resolve()

by_source = {name: open_backend("files", mme=MME_CSV, kinds=kinds)
             for name, kinds in (("curated", ("curated",)), ("MME", ("mme",)))}
japan = resolve(by_source["curated"], FOCUS)
names = {a.id: a.name for a in by_source["curated"].actors.values()}'''),
    ("md", """\
## Exercise partners in each source

For each partner: its exercises with Japan from 1980 to 2010 in each source (`densest(...,
focus="Japan", window=Window(since="1980", until="2010"))`, the `exercises` column), and the
same exercises weighted by `1/(n−1)` for an exercise of *n* actors (the `weighted` measure
with every other category at weight 0): a 20-nation exercise adds 1 to the count but only
1/19 to the weight, so the weight tells a bilateral partnership from a shared presence in
large multilateral exercises."""),
    ("code", '''\
ONLY_EXERCISES = {c: 0.0 for c in CATEGORY_ORDER} | {"exercises": 1.0}


def partner(row):
    """Return the id of Japan's partner in a densest() row."""
    return row["b_id"] if row["a_id"] == japan else row["a_id"]


columns = {}
for name, b in by_source.items():
    count = densest(b, window=SPAN, focus=FOCUS)
    weight = densest(b, window=SPAN, focus=FOCUS, measure="weighted", weights=ONLY_EXERCISES)
    columns[f"{name} exercises"] = {partner(r): r["exercises"] for r in count if r["exercises"]}
    columns[f"{name} weight"] = {partner(r): r["score"] for r in weight if r["score"]}
side = pd.DataFrame(columns).fillna(0)
side = side.astype({c: int for c in side.columns if c.endswith("exercises")})
order = (side["curated exercises"] + side["MME exercises"]).sort_values(ascending=False,
                                                                        kind="stable")
side = side.loc[order.index]
side.index = [names[i] for i in side.index]
side.index.name = "partner"
display(side.head(20))

cur, mme = side["curated exercises"], side["MME exercises"]
only_cur = list(side.index[(cur > 0) & (mme == 0)])
say(
    f"From {MME_SPAN[0]} to {MME_SPAN[1]} the curated facts give {FOCUS} "
    f"**{int((cur > 0).sum())} exercise partner(s)**, MME **{int((mme > 0).sum())}**; "
    f"{int(((cur > 0) & (mme > 0)).sum())} appear in both. MME's most frequent partner is "
    f"{mme.idxmax()} ({mme.max()} exercise(s), weight {side.loc[mme.idxmax(), 'MME weight']:.1f})"
    + (f"; the curated facts' is {cur.idxmax()} ({cur.max()})" if cur.max() else "")
    + (f". Only the curated facts have exercises with {listing(only_cur)}" if only_cur else "")
    + ". " + " ".join(
        f"{p}: {cur.get(n, 0)} curated, {mme.get(n, 0)} in MME."
        for p, n in ((p, names[resolve(by_source["curated"], p)]) for p in PARTNERS))
)'''),
    ("code", '''\
shown = side.head(15).iloc[::-1]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 6), sharey=True)
y = range(len(shown))
for ax, what, title in ((ax1, "exercises", "exercises (count)"),
                        (ax2, "weight", "exercises weighted 1/(n−1)")):
    ax.barh([i + 0.2 for i in y], shown[f"curated {what}"], 0.4, label="curated facts",
            color="tab:blue")
    ax.barh([i - 0.2 for i in y], shown[f"MME {what}"], 0.4, label="MME v7",
            color="tab:orange")
    ax.set_xscale("symlog", linthresh=1)  # the United States would flatten every other bar
    ax.set_title(title + ", log scale")
ax1.set_yticks(list(y))
ax1.set_yticklabels(shown.index)
ax2.legend(loc="lower right")
fig.suptitle(f"{FOCUS}'s exercise partners {MME_SPAN[0]}–{MME_SPAN[1]}, by source"
             + ("" if REAL else " (TEST FIXTURE, not MME)"))
show(fig)'''),
    ("md", """\
## Reconciliation: the same exercise in both sources?

`reconcile(ds, ("JPN", partner))` on the combined data set (both kinds of source): an MME
and a curated exercise match when both include the two actors and their dates overlap at the
precision each gives; a curated exercise dated only to the year must also have the same
actors. A match is one exercise with both citations; a disagreement on the start or the
participants would be a claim. `tiegraph reconcile mme Japan Germany --with-mme CSV` prints
the same lists with every citation."""),
    ("code", '''\
both = open_backend("files", mme=MME_CSV)
ds = both.dataset
results = {p: reconcile(ds, (japan, resolve(both, p))) for p in PARTNERS}
counts = pd.DataFrame({p: r.counts() for p, r in results.items()}).T
counts["MME bilateral"] = [sum(len({ds.actor_of(x) for x in e.participants}) == 2
                               for e in r.mme_only + r.both) for r in results.values()]
counts.index.name = "partner"
display(counts)

listed = pd.DataFrame([
    {"partner": p, "found": group, "date": e.when, "fact": e.id, "name": e.name,
     "citations": "; ".join(f"{c.source}: {c.locator}" for c in e.citations)}
    for p, r in results.items()
    for group, exs in (("both", r.both), ("curated only", r.curated_only)) for e in exs
])
if len(listed):
    display(listed.set_index(["partner", "found"]))

fig, ax = plt.subplots(figsize=(9, 3.8))
left = pd.Series(0, index=counts.index)
for group, colour in (("both", "tab:green"), ("mme_only", "tab:orange"),
                      ("curated_only", "tab:blue")):
    ax.barh(counts.index[::-1], counts[group][::-1], left=left[::-1],
            label=group.replace("_", " "), color=colour)
    left = left + counts[group]
ax.set_xlabel("exercises")
ax.set_xlim(0, 1.4 * max(left.max(), 1))
ax.set_title(f"{FOCUS} {MME_SPAN[0]}–{MME_SPAN[1]}: in both sources, only MME, only curated"
             + ("" if REAL else " (TEST FIXTURE)"))
ax.legend(loc="lower right")
show(fig)

def distinct(*groups):
    """Return the number of distinct exercises in these groups over all partners."""
    return len({e.id for r in results.values() for g in groups for e in getattr(r, g)})


say(
    " ".join(
        f"**{FOCUS}–{p}**: {c['both']} in both, {c['mme_only']} only in MME, "
        f"{c['curated_only']} only curated (MME's {c['both'] + c['mme_only']}: "
        f"{c['MME bilateral']} bilateral)"
        + (f", {c['claims']} claim(s)" if c["claims"] else "") + "."
        for p, c in counts.iterrows())
    + f" Together the two sources hold {distinct('both', 'mme_only', 'curated_only')} "
    f"distinct exercises of {FOCUS} with these partners; MME alone has "
    f"{distinct('both', 'mme_only')}, the curated facts "
    f"{distinct('both', 'curated_only')}"
    + (": neither source is complete." if REAL else " (on the test fixture, not MME).")
)'''),
]


def main() -> None:
    """Write the notebooks next to this script."""
    for name, cells in (("01_network_metrics.ipynb", METRICS),
                        ("02_evolution.ipynb", EVOLUTION),
                        ("03_two_sources.ipynb", TWO_SOURCES)):
        nbformat.write(notebook(cells), HERE / name)
        print(f"wrote notebooks/{name}")


if __name__ == "__main__":
    main()
