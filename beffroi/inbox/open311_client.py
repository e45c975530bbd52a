"""Speaking Open311 GeoReport v2 to a city service's request system (JSON format).

The calls Beffroi needs (http://wiki.open311.org/GeoReport_v2/):

- ``POST /requests.json``: create a request (service_code, description, address_string or
  lat/long, api_key, jurisdiction_id when the server serves several cities). The answer is
  ``[{"service_request_id": ..., "service_notice": ...}]`` or, on servers that create
  requests later, ``[{"token": ..., "service_notice": ...}]``;
- ``GET /tokens/{token}.json``: the request id behind a token, once it has one;
- ``GET /requests/{id}.json``: the request's ``status`` (open or closed), ``status_notes``;
  ``GET /requests.json?service_request_id=1,2,3`` for several at once;
- ``GET /requests.json`` (service_code, start_date, end_date): the requests of a period,
  to find, by the reference written in its description, a request whose answer was lost;
- ``GET /services.json``: the service codes, for ``beffroi doctor``.

Errors come as ``[{"code": 403, "description": "Invalid api_key"}]`` with a 4xx status.

What a failure means for the POST decides whether it may be sent again, so it is typed:
``Refused`` (the server answered no, or the connection was never made: nothing exists) and
``Unanswered`` (timeout after sending, 5xx, an answer that cannot be read: the request may
exist). Nothing here retries a POST.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import requests
import urllib3.exceptions

from beffroi.config import Open311
from beffroi.errors import BeffroiError

DESCRIPTION_MAX = 4000  # characters, the spec's limit


class Open311Failure(BeffroiError):
    """A call that did not give an answer; the message is French, for the manager."""


class Refused(Open311Failure):
    """Nothing was created: the server refused, or it was never reached."""


class Unanswered(Open311Failure):
    """The request may have been created: its answer never came or could not be read."""


@dataclass(frozen=True)
class Accepted:
    request_id: str | None
    token: str | None
    notice: str | None


@dataclass(frozen=True)
class Status:
    status: str  # 'open' or 'closed'
    notes: str | None


@dataclass(frozen=True)
class Search:
    """What a period's listing says about one reference."""

    request_id: str | None  # the request carrying the reference, if listed
    conclusive: bool  # every listed request shows its description: absence means absent


class Client:
    def __init__(self, target: Open311, api_key: str | None = None) -> None:
        self.target = target
        self.api_key = api_key

    # ------------------------------------------------------------------ calls
    def create(
        self,
        description: str,
        *,
        address: str | None = None,
        lat: float | None = None,
        long: float | None = None,
    ) -> Accepted:
        fields: dict[str, str] = {
            "service_code": self.target.service_code,
            "description": description[:DESCRIPTION_MAX],
            "api_key": self.api_key or "",
        }
        if address:
            fields["address_string"] = address
        if lat is not None and long is not None:
            fields["lat"], fields["long"] = str(lat), str(long)
        try:
            response = requests.post(
                self._url("requests.json"),
                data=self._with_jurisdiction(fields),
                timeout=self.target.timeout_seconds,
            )
        except requests.RequestException as exc:
            if _never_sent(exc):
                raise Refused(f"serveur Open311 injoignable ({self._clean(exc)})") from None
            raise Unanswered(f"pas de réponse du serveur Open311 ({self._clean(exc)})") from None
        if 400 <= response.status_code < 500:
            raise Refused(self._refusal(response))
        first = self._first(response, Unanswered)
        request_id, token = _text(first.get("service_request_id")), _text(first.get("token"))
        if not request_id and not token:
            raise Unanswered("réponse Open311 sans numéro de demande ni jeton")
        return Accepted(request_id, token, _text(first.get("service_notice")))

    def request_id_for_token(self, token: str) -> str | None:
        first = self._get(f"tokens/{token}.json", {})
        return _text(first.get("service_request_id"))

    def status(self, request_id: str) -> Status:
        return _status_of(self._get(f"requests/{request_id}.json", {}))

    def statuses(self, request_ids: list[str]) -> dict[str, Status]:
        """Several requests in one call (``GET /requests.json?service_request_id=1,2,3``,
        which the spec lets override every other filter); the ones listed, by id."""
        listed = self._get(
            "requests.json", {"service_request_id": ",".join(request_ids)}, whole=True
        )
        found = {}
        for request in listed:
            request_id = _text(request.get("service_request_id"))
            if request_id in request_ids:
                try:
                    found[request_id] = _status_of(request)
                except Open311Failure:
                    continue  # asked again on its own, where its error is recorded
        return found

    def service_codes(self) -> list[str]:
        """``GET /services.json``: the request types the server takes."""
        listed = self._get("services.json", {}, whole=True)
        return [str(s.get("service_code")) for s in listed if s.get("service_code")]

    def find(self, reference: str, since: datetime, until: datetime) -> Search:
        params = {
            "service_code": self.target.service_code,
            "start_date": _iso(since),
            "end_date": _iso(until),
        }
        listed = self._get("requests.json", params, whole=True)
        for request in listed:
            if reference in str(request.get("description") or ""):
                return Search(_text(request.get("service_request_id")), True)
        return Search(None, all("description" in r for r in listed))

    # ------------------------------------------------------------------ plumbing
    def _url(self, path: str) -> str:
        return f"{self.target.endpoint}/{path}"

    def _with_jurisdiction(self, fields: dict[str, str]) -> dict[str, str]:
        if self.target.jurisdiction_id:
            return {**fields, "jurisdiction_id": self.target.jurisdiction_id}
        return fields

    def _get(self, path: str, params: dict[str, str], *, whole: bool = False):
        try:
            response = requests.get(
                self._url(path),
                params=self._with_jurisdiction(params),
                timeout=self.target.timeout_seconds,
            )
        except requests.RequestException as exc:
            raise Open311Failure(f"serveur Open311 injoignable ({self._clean(exc)})") from None
        if response.status_code >= 400:
            raise Open311Failure(self._refusal(response))
        if whole:
            return self._list(response, Open311Failure)
        return self._first(response, Open311Failure)

    def _list(self, response: requests.Response, error: type[Open311Failure]) -> list[dict]:
        try:
            body = response.json()
        except ValueError:
            raise error(f"réponse Open311 illisible (HTTP {response.status_code})") from None
        if isinstance(body, dict):  # a few servers send one object instead of a list
            body = [body]
        if not isinstance(body, list) or not all(isinstance(b, dict) for b in body):
            raise error(f"réponse Open311 inattendue (HTTP {response.status_code})")
        return body

    def _first(self, response: requests.Response, error: type[Open311Failure]) -> dict:
        if response.status_code >= 500:
            raise error(f"erreur du serveur Open311 (HTTP {response.status_code})")
        body = self._list(response, error)
        if not body:
            raise error("réponse Open311 vide")
        return body[0]

    def _refusal(self, response: requests.Response) -> str:
        """The spec's error list in one French sentence: "HTTP 403 : 403 Invalid api_key"."""
        try:
            errors = response.json()
        except ValueError:
            errors = []
        if isinstance(errors, dict):
            errors = [errors]
        said = "; ".join(
            f"{e.get('code', '')} {e.get('description', '')}".strip()
            for e in errors
            if isinstance(e, dict)
        )
        return self._clean(
            f"refus du serveur Open311 (HTTP {response.status_code}) : {said or '-'}"
        )

    def _clean(self, text) -> str:
        """The API key never reaches a message, a log or the database."""
        text = str(text)
        return text.replace(self.api_key, "***") if self.api_key else text


def _never_sent(exc: requests.RequestException) -> bool:
    """True when the connection was never made: the server cannot have created anything."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError) and exc.args:
        reason = getattr(exc.args[0], "reason", exc.args[0])
        return isinstance(reason, urllib3.exceptions.NewConnectionError)
    return False


def _status_of(request: dict) -> Status:
    status = str(request.get("status") or "").strip().lower()
    notes = _text(request.get("status_notes"))
    if not status:
        raise Open311Failure("réponse Open311 sans statut")
    if status in ("open", "closed"):
        return Status(status, notes)
    # The spec has two values; some servers say more ("in_progress"): still open, and the
    # manager reads what it said.
    said = f"statut « {status} »"
    return Status("open", f"{said} ; {notes}" if notes else said)


def _text(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
