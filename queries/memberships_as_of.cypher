// name: memberships_as_of
// question: Which memberships and formal partnerships (e.g. Japan's partnership with NATO)
//   were in effect on a date?
// params:
//   as_of: the date (YYYY, YYYY-MM or YYYY-MM-DD; a year or month means its last day),
//     required
//   organisation: optional organisation (name, id or alias); null = every organisation
// :param as_of => '2016';
// :param organisation => 'NATO';
// returns: one row per membership spell in effect on the date (started by then, not ended
//   before it): member, organisation, role, start, end and id; by organisation and member.
WITH COLLECT { CALL db.index.fulltext.queryNodes('actor_keys', '"' + replace(replace(
            coalesce(toLower(toString($organisation)), ''), '\\', '\\\\'), '"', '\\"') + '"')
          YIELD node RETURN node.id }[0] AS org_id,
     date(toString($as_of))
       + CASE size(toString($as_of)) WHEN 4 THEN duration('P1Y')
                                     WHEN 7 THEN duration('P1M')
                                     ELSE duration('P1D') END
       - duration('P1D') AS asof
WHERE $organisation IS NULL OR org_id IS NOT NULL
MATCH (m:Actor)-[r:MEMBER_OF]->(o:Organisation)
WHERE ($organisation IS NULL OR o.id = org_id)
  AND r.since <= asof AND (r.until IS NULL OR r.until >= asof)
RETURN m.name AS member, o.name AS organisation, r.role AS role, r.start AS start,
       r.end AS end, r.fact AS id
ORDER BY organisation, member, start
