// name: graph_overview
// question: What is in the graph? How many nodes of each label and relationships of each
//   type (a first look for new users)?
// params: none
// returns: one row per node label and per relationship type: what ('node' or
//   'relationship'), name (the specific label, e.g. State or Agreement; or the type), group
//   (the shared label: Actor, Fact, Source, Claim; empty for relationships) and count. The
//   load's bookkeeping node (LoadInfo: when the graph was loaded, from what) is left out:
//   MATCH (m:LoadInfo) RETURN m shows it.
CALL () {
  MATCH (n) WHERE NOT n:LoadInfo
  WITH [l IN labels(n) WHERE NOT l IN ['Actor', 'Fact']] AS own, labels(n) AS all_labels
  RETURN 'node' AS what,
         coalesce(head(own), head(all_labels)) AS name,
         CASE WHEN 'Actor' IN all_labels THEN 'Actor'
              WHEN 'Fact' IN all_labels THEN 'Fact'
              ELSE coalesce(head(own), head(all_labels)) END AS grp,
         count(*) AS count
  UNION ALL
  MATCH ()-[r]->()
  RETURN 'relationship' AS what, type(r) AS name, null AS grp, count(*) AS count
}
RETURN what, name, grp AS group, count
ORDER BY what, group, name
