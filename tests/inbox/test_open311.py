"""Open311 GeoReport v2 escalation against a local GeoReport server (a real HTTP server).

Timeouts are real: the client's is 0.5 s and a slow server answers after 2 s, so a busy
machine only makes the server later, never the client earlier.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from beffroi.config import Open311, Service
from beffroi.inbox import (
    QueueError,
    check_request,
    citizen_told,
    escalate,
    history,
    open311_labels,
    open311_view,
    poll_open311,
)
from beffroi.store.open311 import ALREADY, latest_request
from beffroi.store.queue import claim_send, mark_replied
from tests.conftest import free_port, settings_with
from tests.inbox.georeport_server import API_KEY, SERVICE_CODE, GeoReport
from tests.inbox.helpers import ingest, later, message, queue_row

KEY_ENV = "BEFFROI_TEST_OPEN311_KEY"
TEXT = "Il y a un nid de poule énorme rue Nationale, j'ai failli tomber à vélo"
ADDRESS = "120 rue Nationale, Marcq-en-Barœul"
SENT = later(3)


@pytest.fixture
def georeport():
    server = GeoReport().start()
    yield server
    server.stop()


@pytest.fixture
def api_key(monkeypatch):
    monkeypatch.setenv(KEY_ENV, API_KEY)


def open311_settings(base, endpoint: str, **target):
    """The example configuration with the voirie service on Open311."""
    fields = {
        "endpoint": endpoint,
        "service_code": SERVICE_CODE,
        "api_key_env": KEY_ENV,
        "jurisdiction_id": "marcq-en-baroeul.fr",
        "timeout_seconds": 0.5,
    } | target
    services = [
        s.model_copy(update={"open311": Open311(**fields)}) if s.key == "voirie" else s
        for s in base.services
    ]
    return settings_with(base, services=services)


def _item(db, settings, ext="m1"):
    ingest(db, settings, message(ext, TEXT))
    return queue_row(db, ext)["id"]


def _unanswered(db, settings, georeport, mode: str) -> int:
    """An item whose POST got no answer (the server in ``mode``); its queue id."""
    georeport.mode, georeport.delay = mode, 2.0
    qid = _item(db, settings)
    with pytest.raises(QueueError, match="ne sera pas renvoyée"):
        escalate(db, settings, qid, "voirie", actor="alice", address=ADDRESS, now=SENT)
    return qid


def _view(db, settings, qid):
    return open311_view(db, settings, qid)


def test_round_trip_created_followed_resolved_and_the_citizen_told(
    db, example_settings, georeport, api_key
):
    settings = open311_settings(example_settings, georeport.endpoint)
    qid = _item(db, settings)
    said = escalate(
        db, settings, qid, "voirie", actor="alice", note="Trou profond", address=ADDRESS, now=SENT
    )
    assert said == "Demande n°1001 créée chez Service voirie."
    (post,) = georeport.posts
    assert post["service_code"] == SERVICE_CODE and post["api_key"] == API_KEY
    assert post["jurisdiction_id"] == "marcq-en-baroeul.fr"
    assert post["address_string"] == ADDRESS
    reference = latest_request(db, qid)["reference"]
    assert TEXT in post["description"] and "Trou profond" in post["description"]
    assert f"Référence Beffroi : {reference}" in post["description"]
    assert "@citoyen1" not in post["description"]  # the problem, not the person
    row = queue_row(db, "m1")
    assert (row["status"], row["service"], row["escalated_by"]) == ("assigned", "voirie", "alice")
    view = _view(db, settings, qid)
    assert view.line == "transmis au service voirie — en cours — résolu"
    assert view.steps == [
        ("transmis au service voirie", True),
        ("en cours", True),
        ("résolu", False),
    ]
    assert not view.tell_citizen

    georeport.note("1001", "Équipe programmée jeudi")
    georeport.requests["1001"]["status"] = "in_progress"  # beyond the spec's two values
    assert poll_open311(db, settings, later(20)).resolved == 0
    assert "statut « in_progress » ; Équipe programmée jeudi" in _view(db, settings, qid).detail

    georeport.close_request("1001", "Rebouché le 3/12")
    polled = poll_open311(db, settings, later(40))
    assert (polled.checked, polled.resolved) == (1, 1)
    view = _view(db, settings, qid)
    assert view.state == "closed" and view.steps[2] == ("résolu", True)
    assert view.tell_citizen and "Rebouché le 3/12" in view.detail
    assert poll_open311(db, settings, later(60)).checked == 0  # closed: no longer asked
    citizen_told(db, qid, actor="alice", now=later(61))
    assert not _view(db, settings, qid).tell_citizen
    actions = [h["action"] for h in history(db, qid)]
    assert actions == [
        "open311_send",
        "escalate",
        "note_add",  # the note for the service, kept on the message
        "open311_status",
        "open311_resolved",
        "open311_citizen_told",
    ]
    assert len(georeport.requests) == 1


def _reply(db, qid, text, minute):
    """Alice's reply to the item: claimed at ``later(minute)``, sent a minute after."""
    claim_send(db, qid, text, actor="alice", now=later(minute))
    mark_replied(
        db,
        qid,
        reply_item_id=None,
        replied_at=later(minute + 1),
        by="alice",
        response_seconds=60,
        business_seconds=60,
        now=later(minute + 1),
    )


def test_a_resolved_request_reopens_an_item_replied_meanwhile(
    db, example_settings, georeport, api_key
):
    settings = open311_settings(example_settings, georeport.endpoint)
    qid = _item(db, settings)
    escalate(db, settings, qid, "voirie", actor="alice", address=ADDRESS, now=SENT)
    _reply(db, qid, "Transmis à la voirie, merci !", minute=4)
    georeport.close_request("1001", "Fait")
    poll_open311(db, settings, later(30))
    assert queue_row(db, "m1")["status"] == "assigned"
    assert _view(db, settings, qid).tell_citizen
    assert open311_labels(db, [qid]) == {qid: "résolu — prévenir le citoyen"}
    # A reply after the resolution (this item had one before) tells the citizen.
    _reply(db, qid, "C'est réparé, merci !", minute=31)
    assert not _view(db, settings, qid).tell_citizen
    assert open311_labels(db, [qid]) == {qid: "résolu"}


def test_refusals_create_nothing_and_a_corrected_retry_creates_one(
    db, example_settings, georeport, monkeypatch
):
    settings = open311_settings(example_settings, georeport.endpoint)
    qid = _item(db, settings)
    with pytest.raises(QueueError, match="variable d'environnement BEFFROI_TEST_OPEN311_KEY"):
        escalate(db, settings, qid, "voirie", actor="alice", address=ADDRESS, now=SENT)
    assert georeport.posts == []  # refused before any request
    with pytest.raises(QueueError, match="adresse du signalement"):
        escalate(db, settings, qid, "voirie", actor="alice", now=SENT)
    monkeypatch.setenv(KEY_ENV, "mauvaise-cle-secrete")
    with pytest.raises(QueueError, match=r"HTTP 403\) : 403 Invalid api_key"):
        escalate(db, settings, qid, "voirie", actor="alice", address=ADDRESS, now=SENT)
    failed = latest_request(db, qid)
    assert failed["state"] == "failed" and "mauvaise-cle-secrete" not in failed["last_error"]
    assert queue_row(db, "m1")["status"] == "new"
    assert _view(db, settings, qid).state == "failed"
    monkeypatch.setenv(KEY_ENV, API_KEY)
    wrong_code = open311_settings(example_settings, georeport.endpoint, service_code="inconnu")
    with pytest.raises(QueueError, match="404 service_code not found"):
        escalate(db, wrong_code, qid, "voirie", actor="alice", address=ADDRESS, now=SENT)
    escalate(db, settings, qid, "voirie", actor="alice", lat=50.67, long=3.1, now=SENT)
    assert georeport.posts[-1]["lat"] == "50.67" and "address_string" not in georeport.posts[-1]
    assert len(georeport.requests) == 1 and queue_row(db, "m1")["status"] == "assigned"
    with pytest.raises(QueueError, match=ALREADY):
        escalate(db, settings, qid, "voirie", actor="bob", address=ADDRESS, now=SENT)
    assert len(georeport.posts) == 3


def test_a_server_that_is_down_refuses_cleanly(db, example_settings, api_key):
    settings = open311_settings(example_settings, f"http://127.0.0.1:{free_port()}/open311")
    qid = _item(db, settings)
    with pytest.raises(QueueError, match="injoignable"):
        escalate(db, settings, qid, "voirie", actor="alice", address=ADDRESS, now=SENT)
    assert latest_request(db, qid)["state"] == "failed"  # never connected: safe to retry


def test_a_timeout_after_creation_is_found_again_never_sent_twice(
    db, example_settings, georeport, api_key
):
    settings = open311_settings(example_settings, georeport.endpoint)
    qid = _unanswered(db, settings, georeport, "slow")
    assert len(georeport.requests) == 1  # the server has it; the answer was lost
    view = _view(db, settings, qid)
    assert view.state == "uncertain" and view.can_check
    # A second click, or another manager: refused before any request is made.
    with pytest.raises(QueueError, match=ALREADY):
        escalate(db, settings, qid, "voirie", actor="bob", address=ADDRESS, now=later(4))
    assert len(georeport.posts) == 1
    georeport.mode = "id"
    result = check_request(db, settings, view.row_id, now=later(4))  # "Vérifier maintenant"
    assert result.found == 1
    row = latest_request(db, qid)
    assert (row["state"], row["request_id"]) == ("open", "1001")
    assert queue_row(db, "m1")["status"] == "assigned"
    assert len(georeport.posts) == 1 and len(georeport.requests) == 1


def test_a_request_that_never_arrived_is_freed_only_once_the_server_could_have_finished(
    db, example_settings, georeport, api_key
):
    settings = open311_settings(example_settings, georeport.endpoint)
    qid = _unanswered(db, settings, georeport, "lost")
    georeport.mode = "id"
    early = poll_open311(db, settings, SENT + timedelta(seconds=20))
    assert (early.checked, early.freed) == (1, 0)
    assert "trop tôt" in latest_request(db, qid)["last_error"]
    late = poll_open311(db, settings, SENT + timedelta(minutes=2))
    assert late.freed == 1 and latest_request(db, qid)["state"] == "failed"
    escalate(db, settings, qid, "voirie", actor="alice", address=ADDRESS, now=later(6))
    assert len(georeport.requests) == 1 and len(georeport.posts) == 2


def test_a_5xx_is_uncertain_and_a_listing_without_descriptions_never_frees_it(
    db, example_settings, georeport, api_key
):
    settings = open311_settings(example_settings, georeport.endpoint)
    other = _item(db, settings, "m0")  # another signalement the service lists
    escalate(db, settings, other, "voirie", actor="alice", address=ADDRESS, now=SENT)
    qid = _unanswered(db, settings, georeport, "error500")
    georeport.mode = "mute_list"
    poll_open311(db, settings, later(60))
    row = latest_request(db, qid)
    assert row["state"] == "uncertain" and "muette" in row["last_error"]
    with pytest.raises(QueueError, match=ALREADY):
        escalate(db, settings, qid, "voirie", actor="alice", address=ADDRESS, now=later(61))
    assert len(georeport.posts) == 2


def test_a_token_answer_gets_its_request_id_later(db, example_settings, georeport, api_key):
    settings = open311_settings(example_settings, georeport.endpoint)
    georeport.mode = "token"
    qid = _item(db, settings)
    said = escalate(db, settings, qid, "voirie", actor="alice", address=ADDRESS, now=SENT)
    assert said == "Demande reçue par Service voirie (numéro à venir)."
    view = _view(db, settings, qid)
    assert view.state == "token" and view.steps[0][1] and not view.steps[1][1]
    assert queue_row(db, "m1")["status"] == "assigned"
    poll_open311(db, settings, later(20))
    assert latest_request(db, qid)["state"] == "token"  # not assigned yet
    georeport.assign_tokens()
    poll_open311(db, settings, later(40))
    row = latest_request(db, qid)
    assert (row["state"], row["request_id"], row["token"]) == ("open", "1001", "tok-1")
    georeport.close_request("1001", "Fait")
    assert poll_open311(db, settings, later(60)).resolved == 1


def test_a_poll_that_cannot_reach_the_server_keeps_the_state_and_says_why(
    db, example_settings, georeport, api_key
):
    settings = open311_settings(example_settings, georeport.endpoint)
    qid = _item(db, settings)
    escalate(db, settings, qid, "voirie", actor="alice", address=ADDRESS, now=SENT)
    georeport.requests.clear()  # the service lost it: GET /requests/1001.json is a 404
    result = poll_open311(db, settings, later(20))
    assert len(result.errors) == 1 and "404 Request not found" in result.errors[0]
    row = latest_request(db, qid)
    assert row["state"] == "open" and "404" in row["last_error"]


def test_a_service_needs_an_email_or_open311(example_settings):
    with pytest.raises(ValidationError, match="give an email or an"):
        Service(key="voirie", name="Voirie")
    with pytest.raises(ValidationError, match="https://"):
        Open311(endpoint="ftp://x", service_code="a", api_key_env="K")


def test_the_inbox_page_transmits_follows_and_prompts_to_tell_the_citizen(
    db, example_settings, georeport, api_key
):
    from tests.inbox.helpers import app, button, texts

    settings = open311_settings(example_settings, georeport.endpoint)
    qid = _item(db, settings)
    at = app(db, settings, later(5))
    at.selectbox(key="inbox_selected").set_value(qid).run()
    at.selectbox(key=f"inbox_service_{qid}").set_value("voirie").run()
    at.text_input(key=f"inbox_open311_address_{qid}").input(ADDRESS)
    button(at, "Transmettre").click().run()
    assert not at.exception
    assert georeport.posts[0]["address_string"] == ADDRESS
    assert "✔ transmis au service voirie — ✔ en cours — … résolu" in texts(at)
    assert at.dataframe[0].value["Attribué à"][0] == "Service voirie · en cours"
    georeport.close_request("1001", "Rebouché <b>vite</b>")
    poll_open311(db, settings, later(30))
    at = app(db, settings, later(31))
    at.selectbox(key="inbox_selected").set_value(qid).run()
    grid = at.dataframe[0].value
    assert grid["Attribué à"][0] == "Service voirie · résolu — prévenir le citoyen"
    shown = texts(at)
    assert "✔ transmis au service voirie — ✔ en cours — ✔ résolu" in shown
    assert "Note du service : Rebouché <b>vite</b>" in shown  # plain text, as written
    assert any("prévenez le citoyen" in w.value for w in at.warning)
    button(at, "Citoyen prévenu").click().run()
    assert not at.exception
    assert latest_request(db, qid)["citizen_told_by"] == "alice"
    assert at.dataframe[0].value["Attribué à"][0] == "Service voirie · résolu"


def test_the_retention_purge_takes_the_requests_with_their_items(
    db, example_settings, georeport, api_key
):
    from beffroi.store.privacy import purge_expired

    settings = open311_settings(example_settings, georeport.endpoint)
    qid = _item(db, settings)
    escalate(db, settings, qid, "voirie", actor="alice", address=ADDRESS, now=SENT)
    result = purge_expired(db, settings.retention, SENT + timedelta(days=800))
    assert result.queue == 1
    assert db.execute("SELECT count(*) FROM open311_requests").fetchone()[0] == 0


def test_doctor_says_whether_each_open311_service_is_ready(
    tmp_path, example_settings, georeport, monkeypatch, capsys
):
    from beffroi.cli.main import main
    from beffroi.inbox import check_services

    settings = open311_settings(example_settings, georeport.endpoint)
    [(ok, text)] = check_services(settings)
    assert not ok and f"API key missing, set ${KEY_ENV}" in text
    monkeypatch.setenv(KEY_ENV, API_KEY)
    assert check_services(settings) == [
        (
            True,
            f"service voirie (Open311 {georeport.endpoint}): answers, takes "
            f"'{SERVICE_CODE}', key set",
        )
    ]
    wrong = open311_settings(example_settings, georeport.endpoint, service_code="trottoir")
    [(ok, text)] = check_services(wrong)
    assert not ok and f"'trottoir' not offered ({SERVICE_CODE})" in text
    down = open311_settings(example_settings, f"http://127.0.0.1:{free_port()}/o")
    [(ok, text)] = check_services(down)
    assert not ok and "injoignable" in text

    config = tmp_path / "b.toml"
    config.write_text(
        '[city]\nname = "Ville"\n[database]\npath = "b.db"\n'
        '[[services]]\nkey = "voirie"\nname = "Voirie"\n'
        f'open311 = {{ endpoint = "{georeport.endpoint}", service_code = "{SERVICE_CODE}", '
        f'api_key_env = "{KEY_ENV}" }}\n'
    )
    main(["-c", str(config), "doctor"])
    assert f"✓ service voirie (Open311 {georeport.endpoint}): answers" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Service voirie", "au service voirie"),
        ("Direction de la culture", "à la direction de la culture"),
        ("Police municipale", "à la police municipale"),
        ("État civil", "à l'état civil"),
        ("CCAS (action sociale)", "au CCAS (action sociale)"),
        ("Espaces verts", "aux espaces verts"),
        ("Voirie", "à la voirie"),
        ("Sports", "aux sports"),
        ("Urbanisme", "à l'urbanisme"),
        ("Guichet unique", "à Guichet unique"),
    ],
)
def test_the_step_names_the_service_in_french(name, said):
    from beffroi.inbox.open311_view import to_service

    assert to_service(name) == said


def test_a_request_left_sending_by_a_crash_is_settled_by_the_poll(
    db, example_settings, georeport, api_key
):
    from beffroi.store.open311 import claim_request

    settings = open311_settings(example_settings, georeport.endpoint)
    qid = _item(db, settings)
    # The process died between taking the slot and the POST: nothing reached the server.
    row = claim_request(
        db, qid, "voirie", address=ADDRESS, lat=None, long=None, actor="alice", now=SENT
    )
    assert poll_open311(db, settings, SENT + timedelta(seconds=5)).checked == 0  # may be posting
    with pytest.raises(QueueError, match=ALREADY):
        escalate(db, settings, qid, "voirie", actor="alice", address=ADDRESS, now=later(4))
    assert poll_open311(db, settings, SENT + timedelta(minutes=2)).freed == 1
    assert latest_request(db, qid)["id"] == row["id"]
    assert escalate(db, settings, qid, "voirie", actor="alice", address=ADDRESS, now=later(6))
    assert len(georeport.posts) == 1 and len(georeport.requests) == 1


def test_the_scheduler_job_follows_the_requests(tmp_path, georeport, api_key):
    import time

    from beffroi.config import load_settings
    from beffroi.scheduler.service import SchedulerService
    from beffroi.store import connect

    config = tmp_path / "b.toml"
    config.write_text(
        '[city]\nname = "Ville"\n[database]\npath = "b.db"\n'
        "[scheduler]\nopen311_poll_minutes = 1\n"
        '[[services]]\nkey = "voirie"\nname = "Service voirie"\n'
        f'open311 = {{ endpoint = "{georeport.endpoint}", service_code = "{SERVICE_CODE}", '
        f'api_key_env = "{KEY_ENV}" }}\n'
    )
    settings = load_settings(config)
    conn = connect(settings.database_path)
    try:
        qid = _item(conn, settings)
        escalate(conn, settings, qid, "voirie", actor="alice", address=ADDRESS)
        georeport.close_request("1001", "Fait")
        service = SchedulerService(settings, only=["open311_poll"])
        assert [spec.name for spec in service.job_specs()] == ["open311_poll"]
        service.start()
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and latest_request(conn, qid)["state"] != "closed":
                time.sleep(0.1)
        finally:
            service.stop()
        assert latest_request(conn, qid)["state"] == "closed"
        run = conn.execute(
            "SELECT status, detail FROM job_runs WHERE job = 'open311_poll'"
        ).fetchone()
        assert run["status"] == "ok" and "1 résolue" in (run["detail"] or "")
    finally:
        conn.close()


@pytest.mark.parametrize("bulk", [True, False])
def test_open_requests_are_read_in_one_call_where_the_server_allows_it(
    db, example_settings, georeport, api_key, bulk
):
    settings = open311_settings(example_settings, georeport.endpoint)
    georeport.bulk = bulk
    for ext in ("m1", "m2"):
        qid = _item(db, settings, ext)
        escalate(db, settings, qid, "voirie", actor="alice", address=ADDRESS, now=SENT)
    georeport.close_request("1002", "Fait")
    assert poll_open311(db, settings, later(20)).resolved == 1
    one_by_one = ["requests/1001.json", "requests/1002.json"]
    assert georeport.gets == ["requests.json", *([] if bulk else one_by_one)]
    assert latest_request(db, queue_row(db, "m1")["id"])["state"] == "open"
    assert latest_request(db, queue_row(db, "m2")["id"])["state"] == "closed"


def test_erasing_the_citizen_forgets_where_their_signalement_was(
    db, example_settings, georeport, api_key
):
    from beffroi.store.privacy import erase_member

    settings = open311_settings(example_settings, georeport.endpoint)
    qid = _item(db, settings)
    escalate(db, settings, qid, "voirie", actor="alice", address=ADDRESS, now=SENT)
    georeport.note("1001", "Vu avec Mme Durand au 120")
    poll_open311(db, settings, later(20))
    member = queue_row(db, "m1")["item_id"]
    member = db.execute("SELECT member_id FROM items WHERE id = ?", (member,)).fetchone()[0]
    erase_member(db, member, actor="admin", now=later(30))
    row = latest_request(db, qid)
    assert (row["address"], row["status_notes"], row["request_id"]) == (None, None, "1001")
