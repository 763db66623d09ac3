"""The timeline drawn for a clinician: pain over time, sessions, flares, removals.

Presentation code, not domain. matplotlib is imported only when a chart is drawn (service
start stays fast), and only through `Figure` objects: no pyplot, no global state, so charts
can be drawn in worker threads at the same time.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from services.painlog.domain.timeline import ChartData

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

# Context of a pain log -> (marker, colour, legend label).
_STYLE: dict[str, tuple[str, str, str]] = {
    "after_exercise": ("o", "#1f5fa8", "after exercise"),
    "next_morning": ("s", "#7b3fa0", "next morning"),
    "other": ("^", "#5f6b73", "other"),
}
_FLARE = "#d0202f"
_SESSION = "#2a8c82"
_REMOVAL = "#8a1c1c"
_ACCEPTABLE = "#3a9d4a"
# matplotlib's date numbers: days since its default epoch (rcParams "date.epoch").
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _num(at: datetime) -> float:
    return (at - _EPOCH).total_seconds() / 86400


def render(data: ChartData, fmt: Literal["svg", "png"]) -> bytes:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig = Figure(figsize=(11, 5.2), dpi=110, layout="constrained")
    ax = fig.add_subplot()
    start, end = data.window.start, data.window.end
    if end - start < timedelta(hours=1):
        end = start + timedelta(hours=1)
    ax.set_xlim(_num(start), _num(end))
    ax.set_ylim(-0.45, 10.6)
    ax.set_yticks(range(0, 11))
    ax.grid(axis="y", color="#e4e4e4", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    ax.axhspan(0, 2, color=_ACCEPTABLE, alpha=0.12, linewidth=0, gid="acceptable-band")
    legend: list[Artist] = [Patch(color=_ACCEPTABLE, alpha=0.25, label="acceptable (0-2)")]

    for i, s in enumerate(data.sessions):
        # Sessions are short next to a month: a faint line where each ends, and a tick on
        # a strip below zero, so they mark the time axis without hiding the pain.
        done = _num(s.completed_at)
        ax.axvline(done, color=_SESSION, alpha=0.22, linewidth=1, zorder=1)
        ax.vlines(done, -0.38, -0.08, color=_SESSION, linewidth=3, gid=f"session-{i}")
    if data.sessions:
        legend.append(Line2D([], [], color=_SESSION, linewidth=3, label="session"))

    points = sorted(data.points, key=lambda p: p.at)
    if points:
        ax.plot(
            [_num(p.at) for p in points],
            [p.level for p in points],
            color="#9aa3a8",
            linewidth=1,
            zorder=2,
        )
    for context, (marker, colour, label) in _STYLE.items():
        mine = [p for p in points if p.context == context]
        if mine:
            ax.scatter(
                [_num(p.at) for p in mine],
                [p.level for p in mine],
                marker=marker,
                s=38,
                color=colour,
                edgecolor="white",
                linewidth=0.6,
                zorder=3,
                gid=f"pain-{context}",
            )
            legend.append(
                Line2D([], [], marker=marker, color=colour, linestyle="none", label=label)
            )

    if data.flares:
        _draw_flares(ax, data)
        legend.append(
            Line2D(
                [],
                [],
                marker="o",
                markersize=11,
                markerfacecolor="none",
                color=_FLARE,
                markeredgewidth=2,
                linestyle="none",
                label="flare",
            )
        )
    middle = _num(start + (end - start) / 2)
    for i, r in enumerate(data.removals):
        x = _num(r.at)
        ax.axvline(x, color=_REMOVAL, linestyle=":", linewidth=1.4, gid=f"removal-{i}")
        ax.annotate(
            f" removed: {r.exercise_id} ",
            (x, 10.2),
            ha="left" if x < middle else "right",
            va="center",
            fontsize=8,
            color=_REMOVAL,
            backgroundcolor="white",
        )
    if data.removals:
        legend.append(Line2D([], [], color=_REMOVAL, linestyle=":", label="exercise removed"))

    if not points:
        ax.text(
            0.5,
            0.55,
            "No pain logged in this period",
            transform=ax.transAxes,
            ha="center",
            fontsize=12,
            color="#5f6b73",
        )

    locator = AutoDateLocator(minticks=5, maxticks=12)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.set_ylabel("Pain (0-10)")
    ax.set_xlabel("Event time (UTC)")
    note = "  (truncated: narrow the period)" if data.truncated else ""
    ax.set_title(
        f"Pain timeline of user {data.user_id}: {_day(data.window.start)} to "
        f"{_day(data.window.end)}{note}",
        loc="left",
        fontsize=12,
    )
    ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)

    buffer = io.BytesIO()
    # No creation date in the file: it would only say when the chart was drawn.
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def _draw_flares(ax: Axes, data: ChartData) -> None:
    half = timedelta(hours=6)
    for f in data.flares:
        ax.axvspan(_num(f.at - half), _num(f.at + half), color=_FLARE, alpha=0.10, linewidth=0)
    ax.scatter(
        [_num(f.at) for f in data.flares],
        [f.level for f in data.flares],
        s=170,
        facecolors="none",
        edgecolors=_FLARE,
        linewidths=2,
        zorder=4,
        gid="flares",
    )
    for f in data.flares:
        ax.annotate(
            f"flare {f.level}",
            (_num(f.at), f.level),
            xytext=(0, 11),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            color=_FLARE,
            fontweight="bold",
        )


def _day(value: datetime) -> str:
    return value.strftime("%Y-%m-%d")
