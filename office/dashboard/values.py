"""HTML pieces built as polars expressions, whole columns at a time, for the dashboard page.

Every value from the data goes through `esc` (text) or `num` (numbers) before it reaches the
page, so a unit name such as `<b>` is shown as written and never becomes markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import polars as pl

_HTML_SPECIAL = ["&", "<", ">", '"', "'"]
_HTML_ESCAPED = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]


def text(value: object) -> str:
    """One Python value as HTML text (also safe inside a quoted attribute)."""
    return html.escape("" if value is None else str(value), quote=True)


def esc(expr: pl.Expr) -> pl.Expr:
    """A column as HTML text; null stays null."""
    return expr.cast(pl.String).str.replace_many(_HTML_SPECIAL, _HTML_ESCAPED)


def num(expr: pl.Expr, decimals: int = 2) -> pl.Expr:
    """A number with exactly `decimals` places, rounded half away from zero; null stays null."""
    rounded = expr.cast(pl.Float64).round(decimals, mode="half_away_from_zero")
    if decimals == 0:
        return rounded.cast(pl.Int64).cast(pl.String)
    return rounded.cast(pl.Decimal(38, decimals)).cast(pl.String)


def pct(expr: pl.Expr, decimals: int = 1) -> pl.Expr:
    """A fraction (0-1) as a percentage, e.g. 0.9028 → 90.3%."""
    return pl.concat_str(num(expr * 100, decimals), pl.lit("%"))


def dash(expr: pl.Expr) -> pl.Expr:
    """Null shown as a dash."""
    return expr.fill_null(pl.lit("—"))


def label(expr: pl.Expr, mapping: dict[str, str]) -> pl.Expr:
    """The Chinese label of a code (unknown codes as they are), as HTML text."""
    return esc(expr.cast(pl.String).replace(mapping))


@dataclass(frozen=True)
class Col:
    """One column of an HTML table: its header and its cell content (HTML, already escaped)."""

    header: str
    cell: pl.Expr
    cls: str = ""  # class of the cells: num (right-aligned), bar, mark, ...
    key: str = ""  # data-col attribute of the cells (what tests and scripts read)
    whole: str = ""  # when set: `cell` gives whole <td>s, and this is their whole <th>s


def td(col: Col) -> pl.Expr:
    if col.whole:
        return col.cell
    attrs = (f' class="{col.cls}"' if col.cls else "") + (
        f' data-col="{col.key}"' if col.key else ""
    )
    return pl.concat_str(pl.lit(f"<td{attrs}>"), col.cell.fill_null(""), pl.lit("</td>"))


def rows(frame: pl.DataFrame, cols: list[Col], row_attrs: pl.Expr | None = None) -> str:
    """The <tr> rows of `frame` (in its order), one <td> per column."""
    if frame.height == 0:
        return f'<tr><td class="none" colspan="{len(cols)}">无</td></tr>'
    opening = pl.lit("<tr>")
    if row_attrs is not None:
        opening = pl.concat_str(pl.lit("<tr "), row_attrs, pl.lit(">"))
    row = pl.concat_str(opening, *(td(c) for c in cols), pl.lit("</tr>"))
    return frame.select(row.alias("row"))["row"].str.join("").item()


def th(col: Col) -> str:
    if col.whole:
        return col.whole
    return (
        f'<th class="{col.cls}">{text(col.header)}</th>'
        if col.cls
        else f"<th>{text(col.header)}</th>"
    )


def head(cols: list[Col]) -> str:
    cells = "".join(th(c) for c in cols)
    return f"<thead><tr>{cells}</tr></thead>"


def table(frame: pl.DataFrame, cols: list[Col], cls: str, row_attrs: pl.Expr | None = None) -> str:
    """A whole table in a horizontally scrolling box (narrow screens)."""
    body = rows(frame, cols, row_attrs)
    return (
        f'<div class="scroll"><table class="{cls}">{head(cols)}<tbody>{body}</tbody></table></div>'
    )


def bar(left: pl.Expr, width: pl.Expr, cls: pl.Expr | str) -> pl.Expr:
    """A horizontal bar from `left`% over `width`% of its cell (both 0-100)."""
    kind = pl.lit(cls) if isinstance(cls, str) else cls
    return pl.concat_str(
        pl.lit('<span class="track"><span class="fill '),
        kind,
        pl.lit('" style="left:'),
        num(left.clip(0, 100), 2),
        pl.lit("%;width:"),
        num(width.clip(0, 100), 2),
        pl.lit('%"></span></span>'),
    )


def css_string(value: str) -> str:
    """A CSS string literal (for print headers): every character outside plain letters, digits
    and CJK written as a hex escape, so nothing can end the string or the <style> element."""
    out = []
    for ch in value:
        if ch.isalnum() or ch in " -_.:/（）":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):06x}")
    return '"' + "".join(out) + '"'
