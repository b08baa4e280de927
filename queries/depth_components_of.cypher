// name: depth_components_of
// question: How deep is each of one actor's partnerships as of a date, component by component?
//   (the same values as `tiegraph densest --with ACTOR --measure depth --until AS_OF --why`)
// params:
//   actor: an actor (name, id or alias; a service, agency or unit counts as its state),
//     required
//   as_of: optional date the depth is computed at (YYYY, YYYY-MM or YYYY-MM-DD; the end of
//     its period counts); null = the latest dated tie of the data
// :param actor => 'Japan';
// :param as_of => '2019-12-31';
// returns: one row per partner with a dated tie by as_of: a, b, the six components (0-1:
//   institutions, mechanisms, forces, industry, operations, intensity), depth (their mean,
//   default weights), as_of (the day used), and the inputs behind them: institution_kinds
//   (kinds of bilateral agreement in force), levels (dialogue level: 1 met in the last 3
//   years, 0.5 not since), branches (land/sea/air fielded by both sides), projects and
//   project_shares, operation_count and operation_shares, ties_last5 and ties_prev5 (ties
//   weighted 1/(n-1)), a_id, b_id; deepest first. graph/depth.py documents the formula.
CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(toLower(toString($actor)), '\\', '\\\\'), '"', '\\"') + '"')
  YIELD node AS x
MATCH (a:Actor {id: coalesce(x.state, x.id)})
WITH DISTINCT a
CALL {
  WITH a
  MATCH (t:Fact) WHERE t.category IS NOT NULL AND t.when_end IS NOT NULL
  RETURN toString(max(t.when_end)) AS latest
}
WITH a, coalesce(toString($as_of), latest) AS asof
WITH a, asof,
     date(asof) + CASE size(asof) WHEN 4 THEN duration('P1Y')
                                  WHEN 7 THEN duration('P1M')
                                  ELSE duration('P1D') END - duration('P1D') AS day
// partners: every actor with a dated tie on or before the day
MATCH (t:Fact)
WHERE a.id IN t.actors
UNWIND t.actors AS b_id
MATCH (b:Actor {id: b_id})
WITH *
WHERE b <> a AND t.category IS NOT NULL AND t.when_start IS NOT NULL AND t.when_start <= day
WITH DISTINCT a, b, asof, day,
     day - duration('P3Y') AS recent,
     day - duration('P5Y') AS start5,
     day - duration('P10Y') AS start10
// institutions: kinds of bilateral agreement concluded by the day and not terminated
CALL {
  WITH a, b, day
  OPTIONAL MATCH (a)-[:SIGNED]->(g:Agreement)<-[:SIGNED]-(b)
  WHERE coalesce(g.status, '') <> 'planned' AND size(g.actors) = 2
  WITH day, g, [d IN [g.signed, g.in_force] WHERE d IS NOT NULL | date(d)] AS dates
  WITH day, g, reduce(m = null, d IN dates | CASE WHEN m IS NULL OR d < m THEN d ELSE m END)
       AS concluded
  WHERE concluded IS NOT NULL AND concluded <= day
    AND (g.terminated IS NULL OR date(g.terminated) > day)
  WITH collect(DISTINCT CASE
         WHEN g.kind IN ['joint_statement', 'joint_declaration', 'roadmap', 'action_plan',
                         'partnership_programme', 'memorandum', 'treaty'] THEN 'framework'
         WHEN g.kind = 'information_security' THEN 'information_security'
         WHEN g.kind = 'equipment_technology_transfer' THEN 'equipment_transfer'
         WHEN g.kind = 'acsa' THEN 'acsa'
         WHEN g.kind = 'reciprocal_access' THEN 'reciprocal_access' END) AS kinds
  RETURN [k IN ['framework', 'information_security', 'equipment_transfer', 'acsa',
                'reciprocal_access'] WHERE k IN kinds] AS institution_kinds
}
// mechanisms: bilateral dialogue series by level, begun by the day, met lately or not
CALL {
  WITH a, b, day, recent
  OPTIONAL MATCH (s:Fact {type: 'dialogue_series'})
  WHERE a.id IN s.actors AND b.id IN s.actors
    AND coalesce(s.status, '') <> 'planned' AND size(s.actors) = 2
  WITH a, b, day, recent, s,
       CASE WHEN s.kind = 'two_plus_two' THEN '2+2'
            WHEN s.kind IN ['summit', 'foreign_ministers', 'defense_ministers'] THEN 'ministers'
            WHEN s.kind IN ['vice_ministerial', 'strategic_dialogue', 'political_military',
                            'consultation'] THEN 'senior_officials'
            WHEN s.kind IN ['military_military', 'staff_talks', 'service_to_service']
              THEN 'staff' END AS level
  OPTIONAL MATCH (d:Fact {type: 'dialogue_session', series: s.id})
  WHERE a.id IN d.actors AND b.id IN d.actors AND coalesce(d.status, '') <> 'planned' AND d.when_start IS NOT NULL
    AND d.when_start <= day
  WITH day, recent, s, level, min(d.when_start) AS first, max(d.when_end) AS last
  WITH day, s, level, coalesce(CASE WHEN s.established IS NULL THEN null
                                    ELSE date(s.established) END, first) AS began,
       CASE WHEN last > recent THEN 1.0 ELSE 0.5 END AS value
  WHERE level IS NOT NULL AND began IS NOT NULL AND began <= day
  WITH level, max(value) AS value
  RETURN collect({level: level, value: value}) AS levels
}
// forces: branches of both sides in bilateral exercises held by the day
CALL {
  WITH a, b, day
  OPTIONAL MATCH (e:Fact {type: 'exercise'})
  WHERE a.id IN e.actors AND b.id IN e.actors
    AND coalesce(e.status, '') <> 'planned' AND size(e.actors) = 2
    AND e.when_start IS NOT NULL AND e.when_start <= day
  OPTIONAL MATCH (p:Actor)-[:PARTICIPATED_IN {role: 'participant'}]->(e)
  OPTIONAL MATCH (p)-[:BELONGS_TO]->(sv:Service)
  WITH a, b, e, coalesce(p.state, p.id) AS side,
       coalesce(p.branch, sv.branch,
                CASE e.domain WHEN 'maritime' THEN 'sea' WHEN 'land' THEN 'land'
                              WHEN 'air' THEN 'air' END) AS branch
  WITH e, collect(DISTINCT CASE WHEN side = a.id THEN branch END) AS mine,
       collect(DISTINCT CASE WHEN side = b.id THEN branch END) AS theirs
  WITH collect([br IN mine WHERE br IN theirs]) AS shared
  RETURN [br IN ['land', 'sea', 'air'] WHERE any(s IN shared WHERE br IN s)] AS branches
}
// industry and operations: shares 1/(n-1) of projects and operations by the day
CALL {
  WITH a, b, day
  OPTIONAL MATCH (f:Fact)
  WHERE a.id IN f.actors AND b.id IN f.actors AND f.type IN ['industrial', 'operation', 'deployment']
    AND coalesce(f.status, '') <> 'planned'
    AND f.when_start IS NOT NULL AND f.when_start <= day
    AND (f.type <> 'industrial' OR (f.kind IN ['joint_research', 'co_development']
                                    AND coalesce(f.status, '') <> 'cancelled'))
  WITH f, 1.0 / (size(f.actors) - 1) AS share
  RETURN count(CASE WHEN f.type = 'industrial' THEN f END) AS projects,
         sum(CASE WHEN f.type = 'industrial' THEN share ELSE 0.0 END) AS project_shares,
         count(CASE WHEN f.type <> 'industrial' THEN f END) AS operation_count,
         sum(CASE WHEN f.type <> 'industrial' THEN share ELSE 0.0 END) AS operation_shares
}
// intensity: ties (every category) of the last five years, and of the five before
CALL {
  WITH a, b, day, start5, start10
  OPTIONAL MATCH (t:Fact)
  WHERE a.id IN t.actors AND b.id IN t.actors AND t.category IS NOT NULL AND t.when_start IS NOT NULL
    AND t.when_start > start10 AND t.when_start <= day
  WITH start5, t, 1.0 / (size(t.actors) - 1) AS share
  RETURN sum(CASE WHEN t.when_start > start5 THEN share ELSE 0.0 END) AS ties_last5,
         sum(CASE WHEN t.when_start <= start5 THEN share ELSE 0.0 END) AS ties_prev5
}
WITH a, b, asof, day, institution_kinds, levels, branches, projects, project_shares,
     operation_count, operation_shares, ties_last5, ties_prev5,
     size(institution_kinds) / 5.0 AS institutions,
     reduce(s = 0.0, l IN levels | s + l.value) / 4.0 AS mechanisms,
     size(branches) / 3.0 AS forces,
     CASE WHEN project_shares > 0 THEN project_shares / (project_shares + 2.0) ELSE 0.0 END
       AS industry,
     CASE WHEN operation_shares > 0 THEN operation_shares / (operation_shares + 2.0)
          ELSE 0.0 END AS operations,
     CASE WHEN ties_last5 > 0 THEN (ties_last5 / 5.0) / (ties_last5 / 5.0 + 10.0) ELSE 0.0 END
       AS intensity
RETURN a.name AS a, b.name AS b, institutions, mechanisms, forces, industry, operations,
       intensity,
       (institutions + mechanisms + forces + industry + operations + intensity) / 6.0 AS depth,
       toString(day) AS as_of, institution_kinds, levels, branches, projects, project_shares,
       operation_count, operation_shares, ties_last5, ties_prev5, a.id AS a_id, b.id AS b_id
ORDER BY depth DESC, b
