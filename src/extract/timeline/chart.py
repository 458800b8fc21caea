"""`extract timeline --chart DIR/`: per body, its grades over time as an SVG (a step line on the grade ladder, a
marker per event, one colour per service), and an `index.html` listing the bodies with their charts (no scripts,
no network: it works from the folder)."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections import defaultdict
from pathlib import Path

from extract.output import atomic_write
from extract.timeline.events import Event
from extract.timeline.rules import rules

# One colour per service (colour-blind safe, Okabe-Ito); the overall verdict is always the first.
_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
_GRADE_COLOURS = {4: "#1a9850", 3: "#91cf60", 2: "#fdae61", 1: "#d73027"}


def chart_name(body_key: str) -> str:
    """A file name for a body's chart: its key's words, and a hash so two keys never share a name."""
    stem = re.sub(r"[^a-z0-9]+", "-", body_key.lower()).strip("-")[:60] or "body"
    return f"{stem}-{hashlib.sha256(body_key.encode()).hexdigest()[:8]}.svg"


def _level(grade: str) -> float | None:
    return rules()["ladder"].get(grade.lower())


def _midpoint(event: Event) -> dt.date:
    assert event.interval is not None
    start, end, _precision = event.interval
    return start + (end - start) / 2


def draw_body(events: list[Event], path: Path) -> bool:
    """Draw one body's chart to `path` (SVG, or PNG by its suffix); False when it has no dated grade to draw."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    graded = [e for e in events if e.interval and e.kind == "grade" and _level(e.grade) is not None]
    standings = [e for e in events if e.interval and e.kind == "status"]
    if not graded:
        return False
    by_service: dict[str, list[Event]] = defaultdict(list)
    for e in sorted(graded, key=lambda e: e.interval[0]):  # type: ignore[index]
        by_service[e.service].append(e)
    services = sorted(by_service, key=lambda s: (s != "overall", s))
    dates = [_midpoint(e) for e in graded + standings]
    lo, hi = min(dates), max(dates)
    pad = max(dt.timedelta(days=180), (hi - lo) * 0.08)

    legend = len(services) > 1
    fig = plt.figure(figsize=(8.6, 3.6), dpi=100)
    # fixed margins: the plot keeps its width whatever the labels (the legend has its own column)
    ax = fig.add_axes((0.2, 0.16, 0.55 if legend else 0.76, 0.72))
    for level, colour in _GRADE_COLOURS.items():  # the ladder's bands
        ax.axhspan(level - 0.5, level + 0.5, color=colour, alpha=0.09, lw=0)
    # the overall verdict on the grade's line, other services just off it so that equal grades stay apart
    offsets = {s: 0.0 if s == "overall" else 0.07 * ((n + 1) // 2) * (1 if n % 2 else -1)
               for n, s in enumerate(services)}
    for n, service in enumerate(services):
        colour = _PALETTE[n % len(_PALETTE)]
        xs = [_midpoint(e) for e in by_service[service]]
        ys = [_level(e.grade) + offsets[service] for e in by_service[service]]  # type: ignore[operator]
        step_x, step_y = [*xs, hi + pad * 0.6], [*ys, ys[-1]]
        label = service if len(service) <= 24 else service[:23].rstrip() + "\u2026"
        ax.step(step_x, step_y, where="post", color=colour, lw=2.2 if service == "overall" else 1.4,
                alpha=0.9, label=label, zorder=2)
        for e, x, y in zip(by_service[service], xs, ys, strict=True):
            precise = e.interval[2] == "day"  # type: ignore[index]
            ax.plot([x], [y], marker="o", ms=7 + min(len(e.mentions), 5), mfc=colour if precise else "white",
                    mec=colour, mew=2, zorder=3)
            if len(e.mentions) > 1:
                ax.annotate(f"\u00d7{len(e.mentions)}", (x, y), textcoords="offset points", xytext=(7, 5),
                            ha="left", va="bottom", fontsize=8, color="#555555")
    for e in standings:
        x = _midpoint(e)
        ax.axvline(x, color="#7f0000", lw=1, ls=":", zorder=1)
        ax.annotate(e.grade, (x, 4.45), rotation=90, va="top", ha="right", fontsize=7, color="#7f0000")
    labels = {float(k): v for k, v in rules()["ladder_labels"].items()}
    ax.set_yticks(sorted(labels), [labels[k] for k in sorted(labels)])
    ax.set_ylim(0.5, 4.5)
    ax.set_xlim(lo - pad, hi + pad)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    ax.tick_params(labelsize=9)
    body = events[0].body
    ax.set_title(body.name, loc="left", fontsize=12, fontweight="bold")
    ax.text(1.0, 1.02, f"{body.kind} · {len(graded)} graded verdict{'s' if len(graded) != 1 else ''}",
            transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color="#666666")
    fig.text(0.01, 0.01, "filled: a day's date \u00b7 hollow: a month or year \u00b7 \u00d7n: sources",
             fontsize=7, color="#888888", ha="left", va="bottom")
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False, title="service",
                  title_fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=path.suffix.lstrip(".") or "svg", metadata={"Date": None} if path.suffix == ".svg"
                else None)
    plt.close(fig)
    return True


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ratings timeline</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 60rem;
       color: #222; padding: 0 1rem; }}
h1 {{ font-size: 1.5rem; }} h2 {{ font-size: 1.1rem; margin: 2rem 0 .3rem; }}
nav ul {{ columns: 3; padding-left: 1.2rem; }} img {{ max-width: 100%; border: 1px solid #eee; }}
table {{ border-collapse: collapse; font-size: .85rem; margin: .4rem 0 1rem; }}
td, th {{ border-bottom: 1px solid #eee; padding: .2rem .6rem; text-align: left; vertical-align: top; }}
.names {{ color: #666; font-size: .85rem; }}
</style></head><body>
<h1>Ratings timeline</h1>
<p>{summary}</p>
<nav><ul>{toc}</ul></nav>
{sections}
</body></html>
"""


def write_charts(events: list[Event], folder: Path) -> int:
    """One chart per body with a dated grade, and `index.html` listing every body; returns the charts written."""
    folder.mkdir(parents=True, exist_ok=True)
    by_body: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        by_body[e.body.key].append(e)
    order = sorted(by_body, key=lambda k: (by_body[k][0].body.name.lower(), k))
    toc, sections, drawn = [], [], 0
    for n, key in enumerate(order):
        body_events = by_body[key]
        body = body_events[0].body
        name = chart_name(key)
        has_chart = draw_body(body_events, folder / name)
        drawn += has_chart
        anchor = f"b{n}"
        toc.append(f'<li><a href="#{anchor}">{html.escape(body.name)}</a></li>')
        rows = "".join(
            f"<tr><td>{html.escape(e.date or 'undated')}</td><td>{html.escape(e.grade)}</td>"
            f"<td>{html.escape(e.service)}</td><td>{html.escape(e.rated_by or '')}</td><td>{e.status}</td>"
            f"<td>{len(e.mentions)}</td></tr>" for e in body_events)
        image = f'<img src="{html.escape(name)}" alt="grades of {html.escape(body.name)} over time">' \
            if has_chart else "<p>(no dated grade to draw)</p>"
        sections.append(
            f'<section id="{anchor}"><h2>{html.escape(body.name)}</h2>'
            f'<div class="names">{html.escape(body.kind)}; named {html.escape(", ".join(body.names))}</div>'
            f"{image}<table><tr><th>date</th><th>grade</th><th>service</th><th>rated by</th><th>status</th>"
            f"<th>sources</th></tr>{rows}</table></section>")
    summary = f"{len(order)} bodies, {len(events)} events, {drawn} charts."
    atomic_write(folder / "index.html", _PAGE.format(summary=summary, toc="".join(toc), sections="\n".join(sections)))
    return drawn
