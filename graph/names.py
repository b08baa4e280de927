"""Suggestions for a name that resolves to nothing: close names only, never unrelated ones.

One rule for every "did you mean" of tiegraph (actor names in the analysis commands and in
``query`` parameters, query names, entity ids in the data files).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

#: The least similarity (difflib's ratio, 0-1) of a suggestion to what was typed. 0.75 lets
#: one or two typos through in a name of six letters ("Frnace" → France, 0.83) and keeps out
#: names that only share letters ("Narnia" → "Armenia" 0.62, "United States" 0.32).
CUTOFF = 0.75
#: For a short text (an ISO code such as "JAP" for JPN) one wrong letter of three is 0.67:
#: texts of up to SHORT characters use SHORT_CUTOFF.
SHORT, SHORT_CUTOFF = 4, 0.66
#: A typed text this long that begins a known name is suggested whatever its similarity.
MIN_PREFIX = 3


def suggest(typed: str, known: Mapping[str, str] | Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` distinct labels whose key is close to ``typed``, best first.

    ``known`` maps lower-case keys (ids, names, aliases) to the label to show, or is a plain
    collection of names shown as they are. Keys are compared case-insensitively.
    """
    labels = dict(known) if isinstance(known, Mapping) else {k: k for k in known}
    by_key = {key.casefold(): label for key, label in labels.items()}
    text = typed.strip().casefold()
    if not text:
        return []
    cutoff = SHORT_CUTOFF if len(text) <= SHORT else CUTOFF
    scored = []
    for key, label in by_key.items():
        ratio = difflib.SequenceMatcher(None, text, key).ratio()
        if ratio >= cutoff or (len(text) >= MIN_PREFIX and key.startswith(text)):
            scored.append((-ratio, key, label))
    out: list[str] = []
    for _, _, label in sorted(scored):
        if label not in out:
            out.append(label)
    return out[:n]
