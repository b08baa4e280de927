"""Print rows as a terminal table, JSON or CSV: the one output path of every CLI command.

Tables are made for reading: control characters from the data are shown escaped (a fact's
name cannot forge output lines or drive the terminal), and given a ``width`` (the terminal's,
when stdout is one) a table is fitted to it — long header names wrap at ``_``, long text
cells are shortened with ``…`` and a note says so, and a table that still does not fit is
printed as one block of ``column: value`` lines per row. JSON and CSV are never fitted or
escaped: they carry every value exactly.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, Literal

Format = Literal["table", "json", "csv"]
#: Rows of one table, or named sections of rows (printed as one JSON object, titled tables).
Rows = Sequence[dict[str, Any]]

#: A text column is shortened to no fewer than this many characters before a table is
#: printed as blocks instead.
MIN_TEXT_WIDTH = 12
GAP = "  "
ELLIPSIS = "…"


def escape_controls(text: str) -> str:
    """Return ``text`` with control and format characters (newline, ESC, NUL, bidi overrides,
    U+FFFF …) written as Python escapes (``\\n``, ``\\x1b``, ``\\u202e``), everything else
    unchanged."""
    if text.isprintable():
        return text
    return "".join(_escape(ch) for ch in text)


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    if ch.isprintable() or unicodedata.category(ch) == "Zs":  # spaces (no-break too) stay
        return ch
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF
            else f"\\U{code:08x}")


#: What a spreadsheet runs as a formula when a cell begins with it (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """Return a text cell that a spreadsheet will not run: one ``'`` is put before a text
    that begins with a formula character (``= + - @``, tab, return) or with ``'`` itself, so
    that :func:`csv_unsafe` gives back exactly the original."""
    return "'" + text if text.startswith((*FORMULA_STARTS, "'")) else text


def csv_unsafe(cell: str) -> str:
    """Return the text that :func:`csv_safe` made ``cell`` from."""
    return cell[1:] if cell.startswith("'") else cell


def _csv_text(value: Any) -> str:
    return csv_safe(value) if isinstance(value, str) else _cell(value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    return str(value)


def render(rows: Rows, fmt: Format = "table", columns: Sequence[str] | None = None,
           width: int | None = None) -> str:
    """Return ``rows`` rendered as an aligned text table, a JSON array or CSV text.

    ``width`` (tables only) is the number of characters a line may take; None: no limit.
    """
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in columns} for r in rows], indent=2,
                          ensure_ascii=False, default=str)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({c: _csv_text(r.get(c)) for c in columns})
        return buf.getvalue().rstrip("\n")
    if not rows:
        return "(no rows)"
    return _table(rows, columns, width)


def render_sections(sections: Mapping[str, Rows], fmt: Format = "table",
                    width: int | None = None) -> str:
    """Return named sections as one JSON object ``{section: [rows]}`` or as titled tables.

    CSV holds one table: raise ValueError for more than one section.
    """
    if fmt == "json":
        return json.dumps({name: [dict(r) for r in rows] for name, rows in sections.items()},
                          indent=2, ensure_ascii=False, default=str)
    if fmt == "csv":
        if len(sections) != 1:
            raise ValueError(f"CSV holds one table and this is {len(sections)}: choose one "
                             f"with --section ({', '.join(sections)})")
        return render(next(iter(sections.values())), "csv")
    return "\n\n".join(f"{name.replace('_', ' ')}\n{render(rows, 'table', width=width)}"
                       for name, rows in sections.items())


def _table(rows: Rows, columns: list[str], width: int | None) -> str:
    cells = [[escape_controls(_cell(r.get(c))) for c in columns] for r in rows]
    numeric = [all(_is_num(r.get(c)) for r in rows) for c in columns]
    heads = [[c] for c in columns]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]

    def total() -> int:
        return sum(widths) + len(GAP) * (len(widths) - 1)

    shortened = False
    if width is not None and total() > width:
        for i, c in enumerate(columns):  # headers wrap at "_" (exchanges_ / industrial)
            parts = _wrap_header(c)
            cell_width = max((len(row[i]) for row in cells), default=0)
            if max(map(len, parts)) < widths[i] and cell_width < widths[i]:
                heads[i], widths[i] = parts, max(cell_width, *map(len, parts))
        text = [i for i, num in enumerate(numeric) if not num]
        while total() > width:
            widest = max(text, key=lambda i: widths[i], default=None)
            if widest is None or widths[widest] <= MIN_TEXT_WIDTH:
                return _blocks(columns, cells)
            widths[widest] = max(MIN_TEXT_WIDTH, widths[widest] - (total() - width))
            shortened = True

    def line(values: Sequence[str]) -> str:
        return GAP.join(_fit(v, w).rjust(w) if num else _fit(v, w).ljust(w)
                        for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    depth = max(map(len, heads))
    out = [line([h[k] if k < len(h) else "" for h in heads]) for k in range(depth)]
    out.append(line(["-" * w for w in widths]))
    out += [line(row) for row in cells]
    if shortened:
        import textwrap

        out += textwrap.wrap(f"({ELLIPSIS} marks text shortened to fit {width} columns: "
                             "--wide prints it whole, --json or --csv give every value)",
                             width)
    return "\n".join(out)


def _wrap_header(name: str) -> list[str]:
    """Return a header split in two at the ``_`` nearest its middle (or whole)."""
    cuts = [i for i, ch in enumerate(name) if ch == "_"]
    if not cuts:
        return [name]
    cut = min(cuts, key=lambda i: abs(len(name) / 2 - i))
    return [name[:cut + 1], name[cut + 1:]]


def _fit(value: str, width: int) -> str:
    return value if len(value) <= width else value[:width - 1] + ELLIPSIS


def _blocks(columns: list[str], cells: list[list[str]]) -> str:
    """Return each row as a block of ``column: value`` lines (for tables that cannot fit)."""
    label = max(map(len, columns))
    blocks = []
    for n, row in enumerate(cells, 1):
        lines = [f"-[ row {n} ]" + "-" * max(0, label - 6)]
        lines += [f"{c.ljust(label)} | {v}" for c, v in zip(columns, row, strict=True)]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def _is_num(value: Any) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))
