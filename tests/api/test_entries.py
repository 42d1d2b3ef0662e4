"""Self-assessment and inspection entries: who may write what, the review workflow and evidence files."""

from __future__ import annotations

import io
import zipfile

import pytest

from api.evidence_types import MAX_EVIDENCE_BYTES

ENTRIES = "/api/v1/seasons/2025-2026/entries"
SELF_ENTRY = {"unit": "U01", "code": "service_proactive", "entry_kind": "item", "source": "self_assessment", "points": 2}


def _office_zip(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<x/>")
    return buffer.getvalue()


def _draft(client, headers, body=SELF_ENTRY) -> int:  # noqa: ANN001
    response = client.post(ENTRIES, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_company_self_assessment_is_reviewed_by_inspector(client, headers_for):
    company = headers_for("company1")
    entry_id = _draft(client, company)

    submitted = client.post(f"/api/v1/entries/{entry_id}/submit", headers=company)
    reviewed = client.post(f"/api/v1/entries/{entry_id}/review", json={"accept": False, "note": "缺少通话记录"},
                           headers=headers_for("inspector"))
    edited = client.patch(f"/api/v1/entries/{entry_id}", json={"points": 2.5}, headers=company)

    assert submitted.json()["status"] == "submitted"
    assert reviewed.json()["status"] == "rejected"
    assert reviewed.json()["reviewed_by"] == "inspector"
    assert edited.json()["status"] == "draft"
    assert edited.json()["points"] == 2.5


def test_company_cannot_review(client, headers_for):
    entry_id = _draft(client, headers_for("company1"))
    client.post(f"/api/v1/entries/{entry_id}/submit", headers=headers_for("company1"))

    response = client.post(f"/api/v1/entries/{entry_id}/review", json={"accept": True}, headers=headers_for("company1"))

    assert response.status_code == 403


def test_inspector_cannot_review_own_entry(client, headers_for):
    inspector = headers_for("inspector")
    entry_id = _draft(client, inspector, {**SELF_ENTRY, "source": "inspection", "unit": "U02"})
    client.post(f"/api/v1/entries/{entry_id}/submit", headers=inspector)

    own = client.post(f"/api/v1/entries/{entry_id}/review", json={"accept": True}, headers=inspector)
    other = client.post(f"/api/v1/entries/{entry_id}/review", json={"accept": True}, headers=headers_for("inspector2"))

    assert own.status_code == 403
    assert own.json()["error"]["code"] == "self_review"
    assert other.json()["status"] == "accepted"


def test_company_cannot_enter_inspection(client, headers_for):
    response = client.post(ENTRIES, json={**SELF_ENTRY, "source": "inspection"}, headers=headers_for("company1"))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden_source"


def test_inspector_cannot_write_self_assessment(client, headers_for):
    response = client.post(ENTRIES, json=SELF_ENTRY, headers=headers_for("inspector"))

    assert response.status_code == 403


def test_submitted_entry_cannot_change(client, headers_for):
    company = headers_for("company1")
    entry_id = _draft(client, company)
    client.post(f"/api/v1/entries/{entry_id}/submit", headers=company)

    response = client.patch(f"/api/v1/entries/{entry_id}", json={"points": 1}, headers=company)

    assert response.status_code == 409
    assert "已提交" in response.json()["error"]["message"]


def test_entry_for_unknown_season_is_404(client, headers_for):
    response = client.post("/api/v1/seasons/2030-2031/entries", json=SELF_ENTRY, headers=headers_for("company1"))

    assert response.status_code == 404
    assert "供暖期" in response.json()["error"]["message"]


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("报告.pdf", b"%PDF-1.7\nbody", "application/pdf"),
    ("照片.JPG", b"\xff\xd8\xff\xe0rest", "image/jpeg"),
    ("截图.png", b"\x89PNG\r\n\x1a\nrest", "image/png"),
    ("台账.xlsx", _office_zip("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("说明.docx", _office_zip("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_allowed_evidence_round_trips(client, headers_for, name, content, content_type):
    company = headers_for("company1")
    entry_id = _draft(client, company)

    uploaded = client.post(f"/api/v1/entries/{entry_id}/evidence", files={"file": (name, content, "x/y")}, headers=company)
    evidence = uploaded.json()["evidence"][0]
    downloaded = client.get(f"/api/v1/entries/{entry_id}/evidence/{evidence['id']}", headers=headers_for("inspector"))

    assert uploaded.status_code == 201, uploaded.text
    assert evidence["content_type"] == content_type
    assert downloaded.content == content
    assert downloaded.headers["content-type"].startswith(content_type)
    assert "attachment" in downloaded.headers["content-disposition"]


@pytest.mark.parametrize(("name", "content", "status", "code"), [
    ("脚本.exe", b"MZ\x90\x00", 415, "file_type_not_allowed"),
    ("page.html", b"<script>alert(1)</script>", 415, "file_type_not_allowed"),
    ("假的.pdf", b"<html>not a pdf</html>", 415, "file_content_mismatch"),
    ("假的.xlsx", _office_zip("word"), 415, "file_content_mismatch"),
    ("空.pdf", b"", 422, "file_empty"),
])
def test_refused_evidence(client, headers_for, name, content, status, code):
    company = headers_for("company1")
    entry_id = _draft(client, company)

    response = client.post(f"/api/v1/entries/{entry_id}/evidence", files={"file": (name, content, "application/pdf")},
                           headers=company)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_oversized_evidence_is_413(client, headers_for):
    company = headers_for("company1")
    entry_id = _draft(client, company)
    content = b"%PDF-1.7\n" + b"0" * MAX_EVIDENCE_BYTES

    response = client.post(f"/api/v1/entries/{entry_id}/evidence", files={"file": ("大.pdf", content, "application/pdf")},
                           headers=company)

    assert response.status_code == 413
    assert "10 MB" in response.json()["error"]["message"]


def test_evidence_of_other_entry_is_404(client, headers_for):
    company = headers_for("company1")
    first = _draft(client, company)
    second = _draft(client, company)
    uploaded = client.post(f"/api/v1/entries/{first}/evidence", files={"file": ("a.pdf", b"%PDF-1", "a/b")},
                           headers=company).json()

    response = client.get(f"/api/v1/entries/{second}/evidence/{uploaded['evidence'][0]['id']}", headers=company)

    assert response.status_code == 404


def test_evidence_removed_and_entry_deleted(client, headers_for):
    company = headers_for("company1")
    entry_id = _draft(client, company)
    uploaded = client.post(f"/api/v1/entries/{entry_id}/evidence", files={"file": ("a.pdf", b"%PDF-1", "a/b")},
                           headers=company).json()

    removed = client.delete(f"/api/v1/entries/{entry_id}/evidence/{uploaded['evidence'][0]['id']}", headers=company)
    deleted = client.delete(f"/api/v1/entries/{entry_id}", headers=company)
    after_delete = client.get(f"/api/v1/entries/{entry_id}", headers=company)

    assert removed.json()["evidence"] == []
    assert deleted.status_code == 204
    assert after_delete.status_code == 404


def test_entry_list_filters_by_status(client, headers_for):
    company = headers_for("company1")
    first = _draft(client, company)
    _draft(client, company)
    client.post(f"/api/v1/entries/{first}/submit", headers=company)

    response = client.get(ENTRIES, params={"status": "submitted"}, headers=headers_for("inspector"))

    assert [entry["id"] for entry in response.json()] == [first]


def test_entry_outside_rubric_rejected(client, headers_for):
    inspector = headers_for("inspector")
    unknown = {"unit": "U01", "code": "nonsense", "entry_kind": "item", "source": "inspection", "points": 1}
    too_many = {"unit": "U01", "code": "service_proactive", "entry_kind": "item", "source": "inspection", "points": 999}
    wrong_kind = {"unit": "U01", "code": "service_proactive", "entry_kind": "bonus", "source": "inspection", "points": 1}

    responses = [client.post("/api/v1/seasons/2025-2026/entries", json=body, headers=inspector)
                 for body in (unknown, too_many, wrong_kind)]

    assert [response.status_code for response in responses] == [422, 422, 422]
    assert all(response.json()["error"]["code"] == "entry_not_in_rubric" for response in responses)
    assert "nonsense" in responses[0].json()["error"]["message"]
    assert "超过上限" in responses[1].json()["error"]["message"]


def test_edit_cannot_push_entry_outside_rubric(client, headers_for):
    company = headers_for("company1")
    entry_id = _draft(client, company)

    edited = client.patch(f"/api/v1/entries/{entry_id}", json={"points": 50}, headers=company)

    assert edited.status_code == 422
    assert edited.json()["error"]["code"] == "entry_not_in_rubric"
