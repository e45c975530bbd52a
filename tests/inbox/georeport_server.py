"""A local Open311 GeoReport v2 server the tests run: a real HTTP server on 127.0.0.1.

It answers the spec's documented responses (http://wiki.open311.org/GeoReport_v2/), in
JSON: ``POST /requests.json`` (an id, or a token in ``token`` mode), ``GET
/tokens/{token}.json``, ``GET /requests/{id}.json``, ``GET /requests.json`` with
service_code, start_date and end_date, ``GET /services.json``, and errors as ``[{"code": ..., "description": ...}]``.

``mode`` makes it misbehave the ways a real one does: ``slow`` creates the request then
answers after ``delay`` seconds (the client has timed out: the request exists); ``lost``
waits the same and never creates it; ``error500`` answers 500 without creating anything;
``mute_list`` lists requests without their descriptions.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

API_KEY = "cle-de-test-0123456789"
SERVICE_CODE = "voirie-nid-de-poule"


class GeoReport:
    def __init__(self) -> None:
        self.requests: dict[str, dict] = {}
        self.tokens: dict[str, str | None] = {}
        self.posts: list[dict] = []  # every POST received, even refused ones
        self.mode = "id"
        self.delay = 0.0
        self.bulk = True  # answers GET /requests.json?service_request_id=1,2
        self.gets: list[str] = []  # the paths of every GET, in order
        self._lock = threading.Lock()
        self._next = 1000
        handler = type("Handler", (_Handler,), {"georeport": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/open311/v2"

    def start(self) -> GeoReport:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------------ the service's side
    def close_request(self, request_id: str, notes: str) -> None:
        with self._lock:
            self.requests[request_id].update(status="closed", status_notes=notes)

    def note(self, request_id: str, notes: str) -> None:
        with self._lock:
            self.requests[request_id]["status_notes"] = notes

    def assign_tokens(self) -> None:
        """The back office gets round to the requests it took as tokens."""
        with self._lock:
            for token, request_id in list(self.tokens.items()):
                if request_id is None:
                    self.tokens[token] = self._store(self._pending.pop(token))

    # ------------------------------------------------------------------ internals
    _pending: dict[str, dict]

    def _store(self, fields: dict) -> str:
        self._next += 1
        request_id = str(self._next)
        self.requests[request_id] = {
            "service_request_id": request_id,
            "status": "open",
            "status_notes": None,
            "service_code": fields["service_code"],
            "description": fields.get("description"),
            "address": fields.get("address_string"),
            "lat": fields.get("lat"),
            "long": fields.get("long"),
            "requested_datetime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        return request_id

    def create(self, fields: dict) -> tuple[int, list]:
        with self._lock:
            self.posts.append(fields)
        if fields.get("api_key") != API_KEY:
            return 403, [{"code": 403, "description": "Invalid api_key"}]
        if fields.get("service_code") != SERVICE_CODE:
            return 404, [{"code": 404, "description": "service_code not found"}]
        if not (fields.get("address_string") or (fields.get("lat") and fields.get("long"))):
            return 400, [{"code": 400, "description": "location required"}]
        if self.mode == "error500":
            return 500, [{"code": 500, "description": "Internal error"}]
        if self.mode == "lost":
            time.sleep(self.delay)
            return 500, [{"code": 500, "description": "too late"}]
        with self._lock:
            if self.mode == "token":
                token = f"tok-{len(self.tokens) + 1}"
                self.tokens[token] = None
                self.__dict__.setdefault("_pending", {})[token] = fields
                return 200, [{"token": token, "service_notice": "Traitement sous 48 h"}]
            request_id = self._store(fields)
        if self.mode == "slow":
            time.sleep(self.delay)
        return 201, [{"service_request_id": request_id, "service_notice": "Merci"}]

    def listing(self, query: dict) -> tuple[int, list]:
        if "service_request_id" in query:  # overrides every other filter (the spec)
            if not self.bulk:
                return 400, [{"code": 400, "description": "service_request_id not supported"}]
            wanted = query["service_request_id"].split(",")
            with self._lock:
                return 200, [dict(self.requests[i]) for i in wanted if i in self.requests]
        with self._lock:
            found = [
                dict(r)
                for r in self.requests.values()
                if r["service_code"] == query.get("service_code", r["service_code"])
            ]
        if self.mode == "mute_list":
            for r in found:
                r.pop("description")
        return 200, found


class _Handler(BaseHTTPRequestHandler):
    georeport: GeoReport

    def log_message(self, *args) -> None:  # keep the test output quiet
        pass

    def _answer(self, status: int, body) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out and left

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        fields = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if urlsplit(self.path).path != "/open311/v2/requests.json":
            self._answer(404, [{"code": 404, "description": "Not found"}])
            return
        self._answer(*self.georeport.create(fields))

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path.removeprefix("/open311/v2/")
        g = self.georeport
        g.gets.append(path)
        if path == "services.json":
            self._answer(200, [{"service_code": SERVICE_CODE, "service_name": "Chaussée"}])
        elif path == "requests.json":
            self._answer(*g.listing(query))
        elif path.startswith("requests/") and path.endswith(".json"):
            request = g.requests.get(path[len("requests/") : -len(".json")])
            if request is None:
                self._answer(404, [{"code": 404, "description": "Request not found"}])
            else:
                self._answer(200, [request])
        elif path.startswith("tokens/") and path.endswith(".json"):
            token = path[len("tokens/") : -len(".json")]
            if token not in g.tokens:
                self._answer(404, [{"code": 404, "description": "Token not found"}])
            else:
                found = {"token": token}
                if g.tokens[token]:
                    found["service_request_id"] = g.tokens[token]
                self._answer(200, [found])
        else:
            self._answer(404, [{"code": 404, "description": "Not found"}])
