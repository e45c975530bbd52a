"""État de la collecte: what each stream's last collection run did, and what to do about it.

An expired token is the one failure a person must fix: the panel names the account, the
environment variable to renew and how, in French, instead of an API error code. Below, the
scheduler service itself: alive or not, and each job's last run (a job that raised is
recorded and shown here; the service keeps running). Directors read a summary instead: are
the city's accounts followed, and what is waiting for an administrator.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from beffroi.collectors.limits import known_limits
from beffroi.config import Account
from beffroi.dashboard.context import PageContext
from beffroi.dashboard.format import STREAM_LABELS, network_label, relative_time
from beffroi.dashboard.service_status import warn_if_service_down
from beffroi.dashboard.x_budget_panel import render_x_budget
from beffroi.export import disable_grid_export
from beffroi.store import ROLES as ALL_ROLES
from beffroi.store import from_db, job_health, stream_health, to_db

TITLE = "État de la collecte"
ICON = ":material/monitor_heart:"
ROLES = set(ALL_ROLES)
ORDER = 90

RUN_STATUS = {
    "ok": "OK",
    "error": "Erreur",
    "skipped": "Reportée",
    "running": "En cours",
    "abandoned": "Abandonnée (arrêt du service)",
}
JOB_LABELS = {
    "publish": "Publication des rendez-vous",
    "draft_alerts": "Alertes de brouillon manquant",
    "heartbeat": "Signal de vie",
    "sla_sweep": "Relance des messages en retard",
    "urgent_alerts": "Alerte immédiate des messages urgents",
    "open311_poll": "Suivi des demandes Open311 des services",
    "model_training": "Apprentissage nocturne du modèle de la ville",
    "weekly_report": "Rapport hebdomadaire",
    "retention_purge": "Purge (durées de conservation)",
}
ERROR_KINDS = {
    "auth_expired": "Autorisation expirée",
    "rate_limited": "Limite de l'API atteinte",
    "transient": "Erreur passagère",
    "permanent": "Requête refusée",
    "bug": "Erreur interne",
    "budget": "Budget X atteint",
    "error": "Erreur",
}
# How late a stream may be, in multiples of its interval, before the panel worries.
LATE_FACTOR = 3


def renewal_advice(account: Account | None, key: str) -> str:
    """One French paragraph: which account lost its authorisation and how to renew it."""
    if account is None:
        return (
            f"Le compte « {key} » n'est plus autorisé et ne figure plus dans la configuration : "
            "retirez ses flux ou ajoutez-le de nouveau à beffroi.toml."
        )
    name = f"« {account.handle} » ({network_label(account.shown_network)}, clé {account.key})"
    envs = [e for e in [account.token_env, *account.secret_envs.values()] if e]
    where = (
        "dans la variable d'environnement " + ", ".join(envs)
        if envs
        else "dans les variables d'environnement indiquées par beffroi.toml"
    )
    how = {
        "x": "Régénérez les jetons de l'application sur le portail développeur de X "
        "(developer.x.com, « Keys and tokens »)",
        "facebook": "Générez un nouveau jeton de Page longue durée (Meta Business Suite, "
        "ou l'explorateur de l'API Graph) avec un compte administrateur de la Page",
        "instagram": "Générez un nouveau jeton de la Page Facebook liée au compte Instagram "
        "(Meta Business Suite) avec un compte administrateur",
        "instagram_public": "Reconnectez la session Instagram d'instaloader "
        "(instaloader --login NOM_DU_COMPTE) et indiquez le fichier de session",
        "bluesky": "Créez un nouveau mot de passe d'application dans Bluesky (Réglages, "
        "Confidentialité et sécurité, Mots de passe d'application ; cochez l'accès aux "
        "messages privés)",
        "mastodon": "Créez un nouveau jeton d'accès sur l'instance Mastodon du compte "
        "(Préférences, Développement, Nouvelle application)",
    }.get(account.network, "Renouvelez l'accès du compte auprès du réseau")
    return (
        f"Le compte {name} n'est plus autorisé : son jeton a expiré, a été révoqué ou a "
        f"perdu une permission. {how}, mettez-le {where}, puis redémarrez le service "
        "Beffroi. La collecte reprendra là où elle s'était arrêtée."
    )


def _advice(run: dict, ctx: PageContext) -> str | None:
    kind = run.get("error_kind")
    if run["status"] == "ok" or not kind:
        return None
    if kind == "rate_limited":
        retry = from_db(run.get("retry_after"))
        when = ""
        if retry:
            local = retry.astimezone(ctx.tz)
            when = f" ; reprise prévue le {local:%d/%m} à {local:%H:%M}"
        return f"Le réseau limite le nombre d'appels{when}. Rien à faire."
    if kind == "budget":
        return (
            "Budget X du mois atteint : la collecte sur X est en pause jusqu'au mois prochain "
            "ou jusqu'à ce qu'un administrateur relève budget_usd."
        )
    if kind == "transient":
        return "Le réseau n'a pas répondu : nouvel essai au prochain passage. Rien à faire."
    return "La collecte de ce flux échoue : transmettez le message d'erreur à l'administrateur."


def _stream(run: dict) -> str:
    return STREAM_LABELS.get(run["stream"], run["stream"])


def _job_label(job: str) -> str:
    if job.startswith("collect:"):
        return f"Collecte {job.removeprefix('collect:')}"
    return JOB_LABELS.get(job, job)


def _service(ctx: PageContext, now) -> None:
    st.header("Service Beffroi")
    warn_if_service_down(ctx, "ni collecte, ni publication, ni alerte")
    jobs = ctx.cached(job_health, to_db(now.replace(minute=0, second=0) - timedelta(days=1)))
    if not jobs:
        st.info("Le service n'a encore exécuté aucune tâche.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Tâche": [_job_label(j["job"]) for j in jobs],
                "Dernier passage": [
                    relative_time(j["finished_at"] or j["started_at"], now, ctx.tz) for j in jobs
                ],
                "État": [RUN_STATUS.get(j["status"], j["status"]) for j in jobs],
                "Erreurs (24 h)": [j["errors"] for j in jobs],
                "Détail": [j["detail"] or "" for j in jobs],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    for job in jobs:
        if job["status"] == "error" and job["error"]:
            with st.expander(f"Erreur de la tâche « {_job_label(job['job'])} »"):
                st.text(job["error"])


PROBLEMS = {
    "auth_expired": "l'autorisation du réseau a expiré : un administrateur doit la renouveler",
    "rate_limited": "le réseau limite les appels : la collecte reprendra d'elle-même",
    "transient": "le réseau n'a pas répondu : nouvel essai au prochain passage",
    "budget": "budget X du mois atteint : collecte en pause",
}


def _director_summary(ctx: PageContext, runs: list[dict], now) -> None:
    """Whether each enabled account is followed, in sentences: no tables, keys or errors."""
    accounts = [a for a in ctx.settings.accounts if a.enabled]
    problems = []
    for account in accounts:
        mine = [r for r in runs if r["account"] == account.key]
        name = f"« {account.handle} » ({network_label(account.shown_network)})"
        failing = [r for r in mine if r["status"] == "error"]
        last = max((from_db(r["finished_at"]) for r in mine if r["finished_at"]), default=None)
        if failing:
            kind = failing[0].get("error_kind") or "error"
            why = PROBLEMS.get(
                kind, "la collecte échoue : l'administrateur est averti sur cette page"
            )
            problems.append(f"{name} : {why}.")
        elif last is None:
            problems.append(f"{name} : pas encore collecté.")
        elif now - last > timedelta(minutes=LATE_FACTOR * account.interval_minutes):
            problems.append(f"{name} : dernière collecte {relative_time(last, now, ctx.tz)}.")
    fine = len(accounts) - len(problems)
    summary = (
        f"{fine} compte sur {len(accounts)} est suivi normalement."
        if fine <= 1
        else f"{fine} comptes sur {len(accounts)} sont suivis normalement."
    )
    (st.info if problems else st.success)(summary)
    for line in problems:
        st.warning(line)
    warn_if_service_down(ctx, "ni collecte, ni publication, ni alerte")


def render(ctx: PageContext) -> None:
    disable_grid_export()  # its grids' own CSV download is unsafe (beffroi.export)
    st.title(TITLE)
    runs = ctx.cached(stream_health)
    accounts = {a.key: a for a in ctx.settings.accounts}
    now = ctx.now()
    if ctx.user.role == "director":
        _director_summary(ctx, runs, now)
        return
    seen = {run["account"] for run in runs}

    for run in runs:
        if run.get("error_kind") == "auth_expired":
            st.error(renewal_advice(accounts.get(run["account"]), run["account"]))

    table = pd.DataFrame(
        {
            "Compte": [r["account"] for r in runs],
            "Réseau": [
                network_label(accounts[r["account"]].shown_network)
                if r["account"] in accounts
                else r["account"]
                for r in runs
            ],
            "Flux": [_stream(r) for r in runs],
            "Dernier passage": [
                relative_time(r["finished_at"] or r["started_at"], now, ctx.tz) for r in runs
            ],
            "État": [RUN_STATUS.get(r["status"], r["status"]) for r in runs],
            "Récupérés": [r["fetched"] for r in runs],
            "Nouveaux": [r["new"] for r in runs],
            "Rejetés": [r["rejected"] for r in runs],
            "Appels API": [r["api_calls"] for r in runs],
            "Erreur": [
                ERROR_KINDS.get(r["error_kind"], r["error_kind"]) if r["error_kind"] else ""
                for r in runs
            ],
        }
    )
    if runs:
        st.dataframe(table, hide_index=True, width="stretch")
    else:
        st.info("Aucune collecte n'a encore eu lieu.")

    for run in runs:
        advice = _advice(run, ctx)
        if advice and run.get("error_kind") != "auth_expired":
            st.warning(f"{run['account']} / {_stream(run)} : {advice}")
        if run.get("error"):
            with st.expander(f"Message d'erreur de {run['account']} / {_stream(run)}"):
                st.text(run["error"])

    for key, account in accounts.items():
        if not account.enabled:
            continue
        if key not in seen:
            st.warning(f"Le compte {key} n'a encore jamais été collecté.")
            continue
        last = max(
            (from_db(r["finished_at"]) for r in runs if r["account"] == key and r["finished_at"]),
            default=None,
        )
        if last and now - last > timedelta(minutes=LATE_FACTOR * account.interval_minutes):
            st.warning(
                f"Dernière collecte du compte {key} : {relative_time(last, now, ctx.tz)}. "
                "Le service Beffroi tourne-t-il ?"
            )

    for key, account in accounts.items():  # the platforms' own ceilings (2026), not faults
        if account.enabled:
            for sentence in known_limits(account):
                st.caption(f"{key} — {sentence}")

    render_x_budget(ctx, now)  # issue 15: X bills every read
    _service(ctx, now)
