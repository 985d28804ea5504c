from __future__ import annotations

import itertools
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from somatrace.prose import blocks

register = template.Library()

_chart_ids = itertools.count(1)


@register.inclusion_tag("core/_chart.html")
def chart(
    spec: dict[str, Any], caption: str, rows: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A Vega-Lite chart, its caption, and the same data as a table for screen readers."""
    number = next(_chart_ids)
    columns = list(rows[0]) if rows else []
    return {
        "spec": spec,
        "spec_id": f"chart-spec-{number}",
        "caption": caption,
        "columns": columns,
        "rows": [[row[c] for c in columns] for row in rows or []],
    }


@register.filter
def change(before: int | None, after: int | None) -> int | None:
    """after - before, or None when either rating is missing."""
    if before is None or after is None:
        return None
    return after - before


@register.filter
def prose(text: str) -> SafeString:
    """Pasted text as paragraphs and lists, whatever width it was wrapped at (escaped)."""
    parts = []
    for block in blocks(text or ""):
        if block.kind == "ul":
            items = format_html_join("", "<li>{}</li>", ((line,) for line in block.lines))
            parts.append(format_html("<ul>{}</ul>", items))
        else:
            parts.append(format_html("<p>{}</p>", block.lines[0]))
    return format_html_join("", "{}", ((part,) for part in parts))
