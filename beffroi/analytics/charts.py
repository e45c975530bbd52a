"""Chart definitions (Altair), shared by the dashboard and the report files.

The dashboard shows these charts with ``st.altair_chart``; the report renders the very same
objects to PNG with vl-convert. One definition, so what a director sees on screen is what
they get in the HTML report (the PDF draws the same figures itself, ``pdf_charts``). Labels
are French; data never carries citizen text.

Altair is imported inside each function: it costs a second and a half to import, and the
network names and colours here are read by code (the PDF report, the command line) that
draws no Altair chart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

from beffroi.french import WEEKDAYS
from beffroi.labels import network_label

# By network key; a chart's legend shows each network's label (``beffroi.labels``).
_COLOURS = {
    "instagram": "#c13584",
    "facebook": "#1877f2",
    "x": "#333333",
    "bluesky": "#0085ff",
    "mastodon": "#6364ff",
    "snapchat": "#e6c700",
    "sandbox": "#7a7a7a",
}
NETWORK_COLOURS = {network_label(key): colour for key, colour in _COLOURS.items()}
WIDTH = 480
HEIGHT = 200


network_name = network_label  # the name the report and the pages already call


def _network_scale(networks) -> alt.Scale:
    import altair as alt

    names = sorted(set(networks))
    return alt.Scale(domain=names, range=[NETWORK_COLOURS.get(n, "#888888") for n in names])


def _date_axis(dates) -> alt.Axis:
    """An axis of dates with a tick at each date of the data and nowhere else: left to
    itself, Vega puts ticks every 12 hours on a short span and writes each day twice
    ("30/11 30/11 01/12 01/12"). Labels that would overlap are thinned out by Vega."""
    import altair as alt
    import pandas as pd

    days = sorted({pd.Timestamp(d).date() for d in dates})
    return alt.Axis(
        format="%d/%m",
        labelAngle=0,
        labelOverlap=True,
        values=[alt.DateTime(year=d.year, month=d.month, date=d.day) for d in days],
    )


def volume_by_day(daily: pd.DataFrame) -> alt.Chart:
    """Inbound messages per day, stacked by network. Columns: day, network, n."""
    import altair as alt
    import pandas as pd

    frame = daily.assign(
        day=pd.to_datetime(daily["day"]).dt.strftime("%Y-%m-%d"),
        network=daily["network"].map(network_label),
    )
    return (
        alt.Chart(frame, title="Messages reçus par jour")
        .mark_bar(width=alt.RelativeBandSize(0.8))
        .encode(
            x=alt.X("yearmonthdate(day):T", title=None, axis=_date_axis(frame["day"])),
            y=alt.Y("sum(n):Q", title="messages"),
            color=alt.Color("network:N", title="réseau", scale=_network_scale(frame["network"])),
            tooltip=[
                alt.Tooltip("yearmonthdate(day):T", title="jour", format="%d/%m/%Y"),
                alt.Tooltip("network:N", title="réseau"),
                alt.Tooltip("sum(n):Q", title="messages"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )


def themes_bar(themes: pd.DataFrame) -> alt.Chart:
    """Messages per theme, counts under 5 already removed. Columns: theme, n."""
    import altair as alt

    return (
        alt.Chart(themes, title="Thèmes les plus abordés")
        .mark_bar(color="#2b6cb0")
        .encode(
            x=alt.X("n:Q", title="messages", axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("theme:N", title=None, sort="-x", axis=alt.Axis(labelOverlap=False)),
            tooltip=[alt.Tooltip("theme:N", title="thème"), alt.Tooltip("n:Q", title="messages")],
        )
        # A row per theme (``Step``): a fixed height, which the dashboard's full-width
        # charts squeeze axes and title into, showed 2 of 9 labels.
        .properties(width=WIDTH, height=alt.Step(22))
    )


def response_trend(trend: pd.DataFrame) -> alt.Chart:
    """Median first-response time per week (business hours). Columns: week, median_minutes,
    within_sla."""
    import altair as alt
    import pandas as pd

    minutes = trend["median_minutes"].astype(float)
    # Minutes read better than "0.8 h"; hours once delays run into half-days.
    unit, divisor = ("minutes", 1) if minutes.max() < 180 else ("heures", 60)
    frame = trend.assign(
        week=pd.to_datetime(trend["week"]).dt.strftime("%Y-%m-%d"),
        delay=(minutes / divisor).round(1),
        sla=(trend["within_sla"].astype(float) * 100).round(0),
    )
    return (
        alt.Chart(frame, title="Délai médian de première réponse (heures ouvrées)")
        .mark_line(point=True, color="#2f855a")
        .encode(
            x=alt.X("week:T", title="semaine du", axis=_date_axis(frame["week"])),
            y=alt.Y("delay:Q", title=unit, scale=alt.Scale(zero=True)),
            tooltip=[
                alt.Tooltip("week:T", title="semaine du", format="%d/%m/%Y"),
                alt.Tooltip("delay:Q", title=unit),
                alt.Tooltip("sla:Q", title="% dans les délais"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )


def hour_weekday_heatmap(buckets: pd.DataFrame) -> alt.Chart:
    """When citizens write: local hour × weekday. Columns: hour, weekday, n."""
    import altair as alt

    frame = buckets.groupby(["weekday", "hour"], as_index=False)["n"].sum()
    return (
        alt.Chart(frame, title="Quand les citoyens écrivent (heure locale)")
        .mark_rect()
        .encode(
            # Every hour and every day, with or without messages: the grid keeps its shape
            # (a week in progress has no Thursday yet; 3 a.m. often has no one writing).
            x=alt.X(
                "hour:O",
                title="heure",
                scale=alt.Scale(domain=list(range(24))),
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y(
                "weekday:N",
                title=None,
                sort=list(WEEKDAYS),
                scale=alt.Scale(domain=list(WEEKDAYS)),
                axis=alt.Axis(labelOverlap=False),
            ),
            color=alt.Color("n:Q", title="messages", scale=alt.Scale(scheme="blues")),
            tooltip=[
                alt.Tooltip("weekday:N", title="jour"),
                alt.Tooltip("hour:O", title="heure"),
                alt.Tooltip("n:Q", title="messages"),
            ],
        )
        # 24 px a day (``Step``), not a fixed height the dashboard squeezed to 48 px.
        .properties(width=WIDTH, height=alt.Step(24))
    )


def series_over_time(series: pd.DataFrame) -> alt.Chart:
    """Engagement of each rendez-vous occurrence. Columns: series, occurrence, engagement."""
    import altair as alt
    import pandas as pd

    frame = series.assign(occurrence=pd.to_datetime(series["occurrence"]).dt.strftime("%Y-%m-%d"))
    return (
        alt.Chart(frame, title="Rendez-vous : engagement par publication")
        .mark_line(point=True)
        .encode(
            x=alt.X("occurrence:T", title=None, axis=_date_axis(frame["occurrence"])),
            y=alt.Y("sum(engagement):Q", title="j'aime + commentaires"),
            color=alt.Color("series:N", title="rendez-vous"),
            tooltip=[
                alt.Tooltip("series:N", title="rendez-vous"),
                alt.Tooltip("occurrence:T", title="date", format="%d/%m/%Y"),
                alt.Tooltip("sum(engagement):Q", title="engagement"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )


def to_png(chart: alt.Chart, scale: float = 2.0) -> bytes:
    """The chart as PNG, rendered without a browser (vl-convert)."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart.to_dict(), scale=scale)
