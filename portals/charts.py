"""Horizontal bar charts drawn as inline SVG on the server: no JavaScript, readable by screen
readers (the chart carries a title and a text description of every bar)."""

from dataclasses import dataclass
from decimal import Decimal

LABEL_WIDTH = 220
BAR_AREA_WIDTH = 360
VALUE_WIDTH = 140
BAR_HEIGHT = 20
ROW_HEIGHT = 28
MAX_LABEL_CHARACTERS = 30


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    value_text: str
    # Geometry is passed as preformatted strings: the template must not localize them
    # (a Russian decimal comma is not a number in SVG).
    y: str
    text_y: str
    width: str
    value_x: str


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    description: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int


def _shorten(label: str) -> str:
    if len(label) <= MAX_LABEL_CHARACTERS:
        return label
    return label[: MAX_LABEL_CHARACTERS - 1].rstrip() + "…"


def bar_chart(
    *, slug: str, title: str, items: list[tuple[str, Decimal | int | float, str]]
) -> BarChart:
    """`items` are (label, value, value as shown); bar lengths are proportional to value."""
    largest = max((float(value) for _label, value, _text in items), default=0.0)
    bars = []
    for index, (label, value, value_text) in enumerate(items):
        width = BAR_AREA_WIDTH * float(value) / largest if largest > 0 else 0.0
        # A non-zero value keeps a visible sliver, so it does not read as zero.
        if float(value) > 0:
            width = max(width, 2.0)
        y = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        bars.append(
            Bar(
                label=label,
                short_label=_shorten(label),
                value_text=value_text,
                y=f"{y:.1f}",
                text_y=f"{y + BAR_HEIGHT * 0.7:.1f}",
                width=f"{width:.1f}",
                value_x=f"{LABEL_WIDTH + width + 6:.1f}",
            )
        )
    return BarChart(
        slug=slug,
        title=title,
        description="; ".join(f"{bar.label}: {bar.value_text}" for bar in bars),
        bars=bars,
        width=LABEL_WIDTH + BAR_AREA_WIDTH + VALUE_WIDTH,
        height=max(len(bars), 1) * ROW_HEIGHT,
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
    )
