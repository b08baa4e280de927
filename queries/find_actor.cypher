// name: find_actor
// question: Which actors match a name (part of a name, id or alias, any case)? Use it to find
//   the spelling the other queries accept.
// params:
//   name: text to look for, required
// :param name => 'navy';
// returns: one row per actor whose id, name or an alias contains the text: id, name, label
//   (State, Organisation, Service, Agency, Unit), state (for services, agencies and units),
//   aliases and facts (how many facts name it); exact matches first.
MATCH (x:Actor)
WITH x, toLower(toString($name)) AS q,
     x.keys AS keys
WHERE any(k IN keys WHERE k CONTAINS q)
RETURN x.id AS id, x.name AS name, [l IN labels(x) WHERE l <> 'Actor'][0] AS label,
       x.state AS state, coalesce(x.aliases, []) AS aliases,
       COUNT { (x)-[:PARTICIPATED_IN|SIGNED]->(:Fact) } AS facts
ORDER BY CASE WHEN q IN keys THEN 0 ELSE 1 END, facts DESC, name
