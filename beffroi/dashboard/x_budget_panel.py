"""The health page's X budget panel: what X cost this month, per account, at the configured
prices, the projection to the month's end, last month (the trend), the budget, and whether
collection is paused. X bills every read (pay-per-use), so this is the city's meter."""

from __future__ import annotations

import calendar
from datetime import timedelta

import pandas as pd
import streamlit as st

from beffroi.dashboard.context import PageContext
from beffroi.french import dollars
from beffroi.scheduler.x_budget import estimate, month_of, still_sending
from beffroi.store import x_usage


def _dollars(value: float | None) -> str:
    return "—" if value is None else f"{dollars(value)}"


def render_x_budget(ctx: PageContext, now) -> None:
    accounts = [a for a in ctx.settings.enabled_accounts("x") if a.network == "x"]
    if not accounts:
        return
    st.header("Coût de l'API X (paiement à l'usage)")
    pricing = ctx.settings.x.pricing
    month = month_of(now)
    previous = month_of(now.replace(day=1) - timedelta(days=1))
    rows = ctx.cached(x_usage.usage_rows, month)
    before = ctx.cached(x_usage.usage_rows, previous)
    paused = {p["account"]: p for p in ctx.cached(x_usage.pauses, month)}
    days = calendar.monthrange(now.year, now.month)[1]
    table = []
    for account in accounts:
        mine = [r for r in rows if r["account"] == account.key]
        spent = estimate(mine, pricing)
        if account.publish_only:
            state = "Publication seule"
        elif account.key in paused and account.pause_publishing_at_budget:
            state = "Collecte et envois en pause (budget atteint)"
        elif account.key in paused:
            state = "Collecte en pause (budget atteint)"
        else:
            state = "Collecte active"
        table.append(
            {
                "Compte": account.key,
                "Requêtes": sum(r["requests"] for r in mine),
                "Ressources lues ou créées": sum(r["resources"] for r in mine),
                "Coût estimé du mois": _dollars(spent),
                "Projection fin de mois": _dollars(spent / now.day * days),
                "Mois précédent": _dollars(
                    estimate([r for r in before if r["account"] == account.key], pricing)
                ),
                "Budget": _dollars(account.budget_usd),
                "État": state,
            }
        )
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
    st.caption(
        f"Tarifs : {dollars(pricing.post_read, 3)} par publication lue ({dollars(pricing.owned_read, 3)} "
        "pour les mentions et publications de la ville lues avec ses clés utilisateur), "
        f"{dollars(pricing.user_read, 3)} "
        f"par profil lu, {dollars(pricing.dm_event_read, 3)} par message privé lu, "
        f"{dollars(pricing.post_create, 3)} par publication créée (section [x.pricing])."
    )
    sending_paused = {a.key: a.pause_publishing_at_budget for a in accounts}
    for key, pause in paused.items():
        st.error(
            f"Le compte X « {key} » a atteint son budget du mois ({dollars(pause['estimate'])} "
            f"pour {dollars(pause['budget'])}) : la collecte sur X est en pause jusqu'au mois "
            "prochain, ou jusqu'à ce qu'un administrateur relève budget_usd. "
            + still_sending(sending_paused.get(key, False))
        )
    daily: dict[str, float] = {}
    for row in rows:
        daily[row["day"]] = daily.get(row["day"], 0.0) + estimate([row], pricing)
    if daily:
        st.caption("Coût estimé par jour ($)")
        st.bar_chart(
            pd.DataFrame({"jour": list(daily), "coût": list(daily.values())}), x="jour", y="coût"
        )
