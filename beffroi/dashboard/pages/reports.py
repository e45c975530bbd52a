"""Rapports: is the city answering well, is its community alive? And the directors' report.

The charts are the report's own Altair definitions (``beffroi.analytics.charts``), so what
is on screen is what goes into the PDF. No member is named here: themes are counted, and
the downloadable report carries only pseudonymised, masked examples.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from beffroi.analytics import charts
from beffroi.analytics.indicators import (
    NO_THEME,
    Period,
    Scope,
    compared_ends,
    inbound_buckets,
    managers,
    members_new_returning,
    period_containing,
    received_between,
    responses,
    series_engagement,
    summarise_responses,
    top_posts,
    volume_by,
    weekly_trend,
)
from beffroi.analytics.report import build_report, format_value, render_csv, render_html, render_pdf
from beffroi.dashboard.cache import data_moment
from beffroi.dashboard.context import PageContext
from beffroi.export import disable_grid_export
from beffroi.labels import kind_label, network_choices, network_label
from beffroi.store import ROLES as ALL_ROLES
from beffroi.store import from_db

TITLE = "Rapports"
ICON = ":material/monitoring:"
ROLES = set(ALL_ROLES)  # every staff role, as the health page
ORDER = 30

NETWORKS = network_choices("instagram", "facebook", "x", "bluesky", "mastodon")
PERIODS = {"Semaine": "week", "Mois": "month"}


# ---------------------------------------------------------------- cached reads


def _report_files(conn, settings, kind: str, day: date, now: datetime) -> dict[str, bytes]:
    period = period_containing(kind, day, settings.tz)
    report = build_report(conn, settings, period, now)
    return {
        "pdf": render_pdf(report),
        "html": render_html(report).encode("utf-8"),
        "csv": render_csv(report).encode("utf-8"),
    }


# ---------------------------------------------------------------- page


def _local(db_text: str, tz) -> str:
    return from_db(db_text).astimezone(tz).strftime("%d/%m/%Y %H:%M")


def _pct(value) -> str:
    return format_value(value, "percent")


def _minutes(value) -> str:
    return format_value(value, "minutes")


def _scope(ctx: PageContext) -> tuple[Period, Scope]:
    cols = st.columns(4)
    kind = PERIODS[cols[0].selectbox("Période", list(PERIODS), key="reports_period")]
    today = ctx.now().astimezone(ctx.tz).date()
    day = cols[1].date_input("Contenant le", today, key="reports_day", format="DD/MM/YYYY")
    network = NETWORKS[cols[2].selectbox("Réseau", list(NETWORKS), key="reports_network")]
    themes = ["Tous les thèmes"] + [t.name for t in ctx.settings.themes] + [NO_THEME]
    theme = cols[3].selectbox("Thème", themes, key="reports_theme")
    team = ["Toute l'équipe"] + ctx.cached(managers)
    manager = st.selectbox(
        "Community manager",
        team,
        format_func=lambda u: u if u == "Toute l'équipe" else ctx.person(u),
        key="reports_manager",
    )
    period = period_containing(kind, day, ctx.tz)
    return period, Scope(
        network=network,
        theme=None if theme == "Tous les thèmes" else theme,
        manager=None if manager == "Toute l'équipe" else manager,
    )


def _responsiveness(ctx: PageContext, period: Period, scope: Scope, now: datetime) -> None:
    st.header("Réactivité")
    end, previous_end = compared_ends(period, now)
    # One read for the 8-week trend, which holds the period and the previous one too.
    trend_frame = ctx.cached(
        responses, ctx.settings, period.start - pd.Timedelta(weeks=8), end, scope
    )
    frame = received_between(trend_frame, period.start, end)
    before = received_between(trend_frame, period.previous.start, previous_end)
    if frame.empty:
        st.info("Aucun message à traiter sur la période avec ces filtres.")
        return
    now_s, prev_s = summarise_responses(frame).iloc[0], summarise_responses(before).iloc[0]
    cols = st.columns(4)
    cols[0].metric("Messages à traiter", int(now_s["needing_reply"]))
    cols[1].metric(
        "Taux de réponse", _pct(now_s["response_rate"]), _delta_pts(now_s, prev_s, "response_rate")
    )
    cols[2].metric("Délai médian (heures ouvrées)", _minutes(now_s["median_minutes"]))
    cols[3].metric(
        "Dans les délais", _pct(now_s["within_sla"]), _delta_pts(now_s, prev_s, "within_sla")
    )
    st.caption(f"90e centile du délai : {_minutes(now_s['p90_minutes'])} (heures ouvrées).")
    trend = weekly_trend(trend_frame, ctx.tz).dropna(subset=["median_minutes"])
    if not trend.empty:
        st.altair_chart(charts.response_trend(trend), width="stretch")
    for label, column in (
        ("réseau", "network"),
        ("thème", "theme"),
        ("community manager", "manager"),
    ):
        table = summarise_responses(frame, column)
        if column == "network":
            table[column] = table[column].map(network_label)
        elif column == "manager":  # names, and "in the network's own app", not usernames
            table[column] = table[column].map(lambda u: ctx.person(u))
        st.text(f"Par {label}")
        st.dataframe(
            pd.DataFrame(
                {
                    label.capitalize(): table[column],
                    "À traiter": table["needing_reply"].astype(int),
                    "Taux de réponse": table["response_rate"].map(_pct),
                    "Délai médian": table["median_minutes"].map(_minutes),
                    "90e centile": table["p90_minutes"].map(_minutes),
                    "Dans les délais": table["within_sla"].map(_pct),
                }
            ),
            hide_index=True,
            width="stretch",
        )


def _delta_pts(now_s, prev_s, column) -> str | None:
    if pd.isna(now_s[column]) or pd.isna(prev_s[column]):
        return None
    return f"{(now_s[column] - prev_s[column]) * 100:+.0f} pts"


def _activity(ctx: PageContext, period: Period, scope: Scope) -> None:
    st.header("Activité")
    buckets = ctx.cached(inbound_buckets, ctx.settings, period.start, period.end, scope)
    if buckets.empty:
        st.info("Aucun message reçu sur la période avec ces filtres.")
        return
    members = ctx.cached(members_new_returning, period.start, period.end)
    cols = st.columns(3)
    cols[0].metric("Messages reçus", int(buckets["n"].sum()))
    cols[1].metric("Nouveaux membres", members["new"])
    cols[2].metric("Membres fidèles", members["returning"])
    daily = buckets.groupby(["day", "network"], as_index=False)["n"].sum()
    st.altair_chart(charts.volume_by_day(daily), width="stretch")
    st.altair_chart(charts.hour_weekday_heatmap(buckets), width="stretch")
    themes = volume_by(buckets, "theme")
    themes = themes[(themes["theme"] != NO_THEME) & (themes["n"] >= 1)]
    if not themes.empty:
        st.altair_chart(charts.themes_bar(themes), width="stretch")
    kinds = volume_by(buckets, "kind")
    kinds["kind"] = kinds["kind"].map(kind_label)
    st.dataframe(
        kinds.rename(columns={"kind": "Type", "n": "Messages"}),
        hide_index=True,
        width="stretch",
    )
    posts = ctx.cached(top_posts, ctx.settings, period.start, period.end)
    if not posts.empty:
        st.text("Publications de la ville les plus engageantes")
        st.dataframe(
            pd.DataFrame(
                {
                    "Réseau": posts["network"].map(network_label),
                    "Date": posts["created_at"].map(lambda t: _local(t, ctx.tz)),
                    "Publication": posts["text"].str.slice(0, 120),
                    "J'aime": posts["likes"],
                    "Commentaires": posts["comments"],
                    "Lien": posts["permalink"],
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={"Lien": st.column_config.LinkColumn("Lien")},
        )
    series = ctx.cached(series_engagement, period.start - pd.Timedelta(weeks=12), period.end)
    if not series.empty:
        st.altair_chart(charts.series_over_time(series), width="stretch")


def _downloads(ctx: PageContext, period: Period, now: datetime) -> None:
    st.header("Rapport de direction")
    st.caption(
        f"{period.label} : chiffres clés, graphiques, thèmes (exemples pseudonymisés, "
        "effectifs inférieurs à 5 masqués), rencontres."
    )
    day = period.start.astimezone(ctx.tz).date()
    if st.button("Préparer le rapport", key="reports_build"):
        st.session_state["reports_files"] = (
            period.kind,
            day,
            ctx.cached(_report_files, ctx.settings, period.kind, day, now),
        )
    prepared = st.session_state.get("reports_files")
    if prepared and prepared[:2] == (period.kind, day):
        files = prepared[2]
        stem = f"beffroi-rapport-{'semaine' if period.kind == 'week' else 'mois'}-{day}"
        cols = st.columns(3)
        cols[0].download_button("PDF", files["pdf"], f"{stem}.pdf", "application/pdf")
        cols[1].download_button("HTML", files["html"], f"{stem}.html", "text/html")
        cols[2].download_button("CSV", files["csv"], f"{stem}.csv", "text/csv")


def render(ctx: PageContext) -> None:
    disable_grid_export()  # its grids' own CSV download is unsafe (beffroi.export)
    st.title(TITLE)
    period, scope = _scope(ctx)
    now = data_moment(str(ctx.settings.database_path), ctx.now())
    if period.end > now:
        local = now.astimezone(ctx.tz)
        st.caption(
            f"{period.label}, en cours : jusqu'au {local:%d/%m à %H:%M}, comparée à la même durée "
            f"de {period.previous.label}. Délais en heures ouvrées."
        )
    else:
        st.caption(f"{period.label}, comparée à {period.previous.label}. Délais en heures ouvrées.")
    _responsiveness(ctx, period, scope, now)
    _activity(ctx, period, scope)
    _downloads(ctx, period, now)
