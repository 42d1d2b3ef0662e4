"""Operator endpoints over the ingest files of this host."""

from __future__ import annotations

import json

from ingest.dead_letters import DeadLetter, DeadLetterStore


def _seed_ingest(data_dir):  # noqa: ANN001, ANN202
    folder = data_dir / "ingest" / "ingest-a"
    store = DeadLetterStore(folder / "dead_letters.sqlite3")
    store.add_many([
        DeadLetter(topic="heatscore/v1/U01/S01A/room/R1", payload=b'{"temp_c": "hot"}', reason_code="invalid_value",
                   reason="temp_c is not a number", received_at_ms=1_764_547_200_000),
        DeadLetter(topic="heatscore/v1/bad", payload=b"\xff\xfe", reason_code="bad_topic", reason="unknown topic"),
    ])
    store.close()
    (folder / "stats.json").write_text(json.dumps({"received": 10, "stored": 8}), "utf-8")


def test_ingest_stats_for_admin(client, headers_for, api_settings):
    _seed_ingest(api_settings.data_dir)

    response = client.get("/api/v1/ops/ingest", headers=headers_for("admin"))

    clients = response.json()
    assert [item["client_id"] for item in clients] == ["ingest-a"]
    assert clients[0]["stats"] == {"received": 10, "stored": 8}
    assert clients[0]["dead_letters_by_reason"] == {"invalid_value": 1, "bad_topic": 1}


def test_dead_letters_newest_first(client, headers_for, api_settings):
    _seed_ingest(api_settings.data_dir)

    response = client.get("/api/v1/ops/dead-letters", params={"client_id": "ingest-a"}, headers=headers_for("admin"))
    filtered = client.get("/api/v1/ops/dead-letters", params={"client_id": "ingest-a", "reason_code": "invalid_value"},
                          headers=headers_for("admin"))

    letters = response.json()
    assert [letter["reason_code"] for letter in letters] == ["bad_topic", "invalid_value"]
    assert letters[0]["payload_preview"] == "\ufffd\ufffd"
    assert filtered.json()[0]["payload_preview"] == '{"temp_c": "hot"}'
    assert filtered.json()[0]["received_at"] == "2025-12-01T00:00:00Z"


def test_dead_letters_of_unknown_client_is_404(client, headers_for):
    response = client.get("/api/v1/ops/dead-letters", params={"client_id": "nope"}, headers=headers_for("admin"))

    assert response.status_code == 404


def test_inspector_cannot_read_operations(client, headers_for):
    response = client.get("/api/v1/ops/ingest", headers=headers_for("inspector"))

    assert response.status_code == 403
