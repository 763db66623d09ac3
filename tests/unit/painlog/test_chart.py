"""The chart is a real image: PNG and SVG, flares, sessions and the acceptable band in it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from services.painlog.chart import render
from tests.factories.painlog import sample_chart_data

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def svg_ids(svg: bytes) -> set[str]:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return {e.get("id", "") for e in root.iter()}


def test_svg_marks_flares_sessions_removals_and_the_acceptable_band() -> None:
    data = sample_chart_data()
    ids = svg_ids(render(data, "svg"))
    assert {"flares", "acceptable-band", "removal-0"} <= ids
    assert {f"session-{i}" for i in range(len(data.sessions))} <= ids
    assert {"pain-after_exercise", "pain-next_morning", "pain-other"} <= ids


def test_without_flares_nothing_is_drawn_in_red() -> None:
    calm = replace(sample_chart_data(), flares=(), removals=())
    ids = svg_ids(render(calm, "svg"))
    assert "flares" not in ids
    assert "removal-0" not in ids


def test_an_empty_period_still_renders_a_chart() -> None:
    empty = replace(sample_chart_data(), points=(), sessions=(), flares=(), removals=())
    assert render(empty, "png").startswith(PNG_MAGIC)


def test_charts_render_in_parallel_threads() -> None:
    data = sample_chart_data()
    with ThreadPoolExecutor(max_workers=4) as pool:
        images = list(pool.map(lambda f: render(data, f), ["png", "svg", "png", "svg"]))
    assert all(i.startswith(PNG_MAGIC) for i in images[::2])
    assert all("flares" in svg_ids(i) for i in images[1::2])
