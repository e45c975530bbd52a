"""The typed errors of Bluesky and Mastodon, each with the French sentence staff read.

Each subclasses one of the runner's error kinds (``AuthExpired``: a person must act;
``TransientError``: retry later; ``PermanentError``: this request will never work), so the
runner and the outbox need nothing new; the sentence is what the health page and the draft
editor show.
"""

from __future__ import annotations

from beffroi.collectors.errors import AuthExpired, PermanentError, TransientError


class SessionExpired(AuthExpired):
    """Bluesky refused the session (expired, or the app password was revoked)."""

    def __init__(self, account: str, detail: str = "") -> None:
        super().__init__(
            f"{account} : la session Bluesky a expiré ou le mot de passe d'application a été "
            "révoqué ; créez un nouveau mot de passe d'application dans Bluesky (Réglages, "
            "Confidentialité et sécurité, Mots de passe d'application) et mettez-le dans la "
            f"variable d'environnement prévue.{_detail(detail)}"
        )


class NoDirectMessageAccess(AuthExpired):
    """The app password was created without access to direct messages."""

    def __init__(self, account: str, detail: str = "") -> None:
        super().__init__(
            f"{account} : le mot de passe d'application Bluesky ne donne pas accès aux "
            "messages privés ; créez-en un nouveau en cochant « Autoriser l'accès à vos "
            "messages privés » (avec une connexion OAuth, demandez la portée "
            f"transition:chat.bsky). Le reste est toujours collecté.{_detail(detail)}"
        )


class TokenRevoked(AuthExpired):
    """Mastodon refused the access token (revoked, or the application was deleted)."""

    def __init__(self, account: str, instance: str, detail: str = "") -> None:
        super().__init__(
            f"{account} : l'instance Mastodon {instance} refuse le jeton d'accès (révoqué ou "
            "application supprimée) ; créez un nouveau jeton dans Préférences, Développement, "
            f"et mettez-le dans la variable d'environnement prévue.{_detail(detail)}"
        )


class InstanceDown(TransientError):
    """The server is down, unreachable, or answers a web page instead of the API."""

    def __init__(self, account: str, where: str, detail: str = "") -> None:
        super().__init__(
            f"{account} : le serveur {where} ne répond pas comme prévu (panne, maintenance ou "
            "page web à la place de l'API) ; Beffroi réessaiera plus tard, rien n'est perdu."
            f"{_detail(detail)}"
        )


class PostTooLong(PermanentError):
    """The text is over the network's limit: refused before any request."""

    def __init__(self, account: str, network: str, length: int, limit: int, unit: str) -> None:
        super().__init__(
            f"{account} : le texte fait {length} {unit}, {network} en accepte {limit} au "
            f"plus ; raccourcissez-le de {length - limit} {unit}."
        )
        self.length, self.limit = length, limit


class ParentDeleted(PermanentError):
    """The message answered was deleted (or hidden) in the meantime."""

    def __init__(self, account: str, network: str, external_id: str) -> None:
        super().__init__(
            f"{account} : le message auquel vous répondez a été supprimé sur {network} "
            f"({external_id}) ; la réponse n'a pas été envoyée."
        )


def _detail(detail: str) -> str:
    return f" ({detail[:200]})" if detail else ""
