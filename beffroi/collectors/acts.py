"""Acting on the network from the inbox, besides replying and hiding (issue 14): delete the
city's own reply, like a citizen's message, block or mute its author.

What each network's API allows (checked against the networks' documentation, December
2026), and the call made:

- X: delete ``DELETE /2/tweets/{id}``; like ``POST /2/users/{city}/likes``; mute
  ``POST /2/users/{city}/muting``. Blocking through the API is reserved to X's Enterprise
  offer (``POST /2/users/{id}/blocking``): said in French, done in X's app.
- Mastodon: ``DELETE /api/v1/statuses/{id}``, ``POST /api/v1/statuses/{id}/favourite``,
  ``POST /api/v1/accounts/{id}/block`` and ``…/mute``.
- Bluesky: ``com.atproto.repo.deleteRecord`` (the reply), an ``app.bsky.feed.like`` record,
  an ``app.bsky.graph.block`` record, ``app.bsky.graph.muteActor``.
- Facebook: ``DELETE /{comment-id}``, ``POST /{comment-id}/likes``, and the Page's ban:
  ``POST /{page-id}/blocked`` with ``user``; a Page has no "mute".
- Instagram: ``DELETE /{ig-comment-id}`` only: the Graph API has no like of a comment, no
  block and no mute of an account (the app does them).
- The simulated city: the same rights as the network it simulates, kept in its state.

Failures are the typed errors every collector raises, worded in French for the person who
asked (see ``refusals_in_french``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from beffroi.collectors.errors import PermanentError
from beffroi.collectors.item import Item
from beffroi.collectors.moderation import NAMES, HideUnsupported, refusals_in_french

ACTS = ("delete_reply", "like", "block", "mute")
# What a person reads on the button's confirmation and in the history.
ACT_WORDS = {
    "delete_reply": "la suppression de la réponse de la ville",
    "like": "le « j'aime »",
    "block": "le blocage de l'auteur",
    "mute": "la mise en sourdine de l'auteur",
}
DONE_WORDS = {
    "delete_reply": "Réponse de la ville supprimée sur le réseau.",
    "like": "Message aimé sur le réseau.",
    "block": "Auteur bloqué sur le réseau.",
    "mute": "Auteur mis en sourdine sur le réseau : ses messages n'apparaissent plus au compte.",
}
CANNOT = {
    ("x", "block"): (
        "X réserve le blocage par son API à l'offre Enterprise : bloquez ce compte dans "
        "l'application X, ou mettez-le en sourdine ici."
    ),
    ("instagram", "like"): (
        "L'API d'Instagram ne permet pas d'aimer un commentaire : aimez-le dans "
        "l'application Instagram."
    ),
    ("instagram", "block"): (
        "L'API d'Instagram ne permet pas de bloquer un compte : bloquez-le ou "
        "restreignez-le dans l'application Instagram."
    ),
    ("instagram", "mute"): (
        "L'API d'Instagram ne permet pas de mettre un compte en sourdine : faites-le dans "
        "l'application Instagram."
    ),
    ("facebook", "mute"): (
        "Une Page Facebook ne peut pas mettre une personne en sourdine : masquez ses "
        "commentaires, ou bannissez-la de la Page (« Bloquer l'auteur »)."
    ),
}
NO_ACCESS = (
    "Ce compte Instagram est lu sans accès professionnel : aucune action n'est possible par l'API."
)


class ActUnsupported(HideUnsupported):
    """This network, or this message, does not allow the act through its API."""


def cannot_act(network: str, act: str, *, kind: str = "", direction: str = "in") -> str | None:
    """Why the city cannot do ``act`` on this message through the API, or None."""
    if act not in ACTS:
        return f"Action inconnue : {act}."
    if network == "instagram_public":
        return NO_ACCESS
    if (network, act) in CANNOT:
        return CANNOT[(network, act)]
    if network not in NAMES:
        return f"{network} ne permet pas cette action."
    if act == "delete_reply" and direction != "out":
        return "Seule une réponse de la ville peut être supprimée, jamais le message d'un citoyen."
    if act == "like" and kind == "dm":
        return "Un message privé ne s'aime pas par l'API : répondez-y."
    return None


def perform(collector: Any, act: str, item: Item) -> None:
    """Do ``act`` on ``item`` (the city's reply for ``delete_reply``, else the citizen's
    message, whose author is blocked or muted) through the account's collector."""
    network = getattr(collector, "network", item.network)
    reason = cannot_act(network, act, kind=item.kind, direction=item.direction)
    if reason:
        raise ActUnsupported(reason)
    if act in ("block", "mute") and not (item.author and item.author.external_id):
        raise ActUnsupported("L'auteur de ce message n'est pas connu du réseau : rien à bloquer.")
    with refusals_in_french(network, ACT_WORDS[act], by_hand=True):
        if hasattr(collector, "state") and hasattr(collector.state, "record_act"):
            _simulated(collector, act, item)
        else:
            PERFORMERS[type(collector).__name__](collector, act, item)


def _simulated(c: Any, act: str, item: Item) -> None:
    from beffroi.collectors.sandbox import collector_errors

    now = c._now()
    with collector_errors():
        c.state.take_failure(c.account, act, now)
        if act == "delete_reply":
            c.state.delete_city_message(c.account, item.external_id)  # twice: still gone
        else:
            target = item.external_id if act == "like" else item.author.external_id
            c.state.record_act(c.account, act, target, now)


def _x(x: Any, act: str, item: Item) -> None:
    x.need_user(ACT_WORDS[act])
    if act == "delete_reply":
        answer = x.call("delete reply", x.client.delete_tweet, id=item.external_id, user_auth=True)
        key = "deleted"
    elif act == "like":
        answer = x.call("like", x.client.like, tweet_id=item.external_id, user_auth=True)
        key = "liked"
    else:
        answer = x.call(
            "mute", x.client.mute, target_user_id=item.author.external_id, user_auth=True
        )
        key = "muting"
    body = answer.body if isinstance(answer.body, dict) else {}
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    if data.get(key) is not True:
        raise PermanentError(f"{x.account}: X did not confirm ({str(body)[:120]})")


def _mastodon(m: Any, act: str, item: Item) -> None:
    from mastodon import MastodonNotFoundError

    author = item.author.external_id if item.author else None
    calls = {
        "delete_reply": ("la suppression", m.api.status_delete, item.external_id),
        "like": ("le favori", m.api.status_favourite, item.external_id),
        "block": ("le blocage", m.api.account_block, author),
        "mute": ("la sourdine", m.api.account_mute, author),
    }
    what, method, target = calls[act]
    try:
        m._call(what, method, target)
    except MastodonNotFoundError:
        if act != "delete_reply":  # a reply already deleted is what was asked
            raise PermanentError(f"{m.account} : Mastodon ne trouve plus ce message") from None


def _bluesky(b: Any, act: str, item: Item) -> None:
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    repo = b.city_did
    if act == "mute":
        b._call("la sourdine", lambda **d: b.client.app.bsky.graph.mute_actor(data=d),
                actor=item.author.external_id)  # fmt: skip
        return
    if act == "delete_reply":
        b._call(
            "la suppression",
            lambda **d: b.client.com.atproto.repo.delete_record(data=d),
            repo=b.city_did,
            collection="app.bsky.feed.post",
            rkey=item.external_id.rsplit("/", 1)[-1],
        )
        return
    if act == "like":
        post = b._thread_view(item.external_id, depth=0)["post"]
        collection = "app.bsky.feed.like"
        record = {"subject": {"uri": post["uri"], "cid": post["cid"]}}
    else:
        collection = "app.bsky.graph.block"
        record = {"subject": item.author.external_id}
    b._call(
        ACT_WORDS[act],
        lambda **d: b.client.com.atproto.repo.create_record(data=d),
        repo=b.city_did or repo,
        collection=collection,
        record={"$type": collection, **record, "createdAt": now},
    )


def _graph(g: Any, act: str, item: Item) -> None:
    if act == "delete_reply":
        data = g.session._call(lambda: g.session.api.delete_object(item.external_id), retry=False)
    elif act == "like":
        data = g.session.post(f"{item.external_id}/likes")
    else:  # the Page's ban (Facebook only: Instagram is refused above)
        data = g.session.post(f"{g._require_id()}/blocked", {"user": item.author.external_id})
    if isinstance(data, dict) and data.get("success") is False:
        raise PermanentError(f"{g.account}: Meta did not confirm ({str(data)[:120]})")


PERFORMERS = {
    "XCollector": _x,
    "MastodonCollector": _mastodon,
    "BlueskyCollector": _bluesky,
    "FacebookCollector": _graph,
    "InstagramCollector": _graph,
}
