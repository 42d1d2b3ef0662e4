"""Account book, password hashing and ACL rendering of ingest/broker_access.py, without a broker."""

from __future__ import annotations

import base64
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from ingest.broker_access import (
    AccountBook,
    BrokerAccessError,
    IngestAccount,
    StationRef,
    hash_password,
    render_acl_file,
    render_password_file,
    to_station_refs,
    verify_password,
    write_broker_files,
)

INGEST = IngestAccount("heatscore-ingest", "ingest-secret")


def test_hash_format_matches_mosquitto_2() -> None:
    hashed = hash_password("secret", salt=b"0123456789ab")

    marker, version, iterations, salt, digest = hashed.split("$")
    assert marker == ""
    assert version == "7"
    assert iterations == "101"
    assert base64.b64decode(salt) == b"0123456789ab"
    assert len(base64.b64decode(digest)) == 64


def test_hash_known_vector() -> None:
    # PBKDF2-HMAC-SHA512 of password "password" with salt "salt" and 1 iteration, 64 bytes.
    expected_digest = bytes.fromhex(
        "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252"
        "c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce"
    )

    hashed = hash_password("password", salt=b"salt", iterations=1)

    assert hashed.split("$")[4] == base64.b64encode(expected_digest).decode()


@pytest.mark.skipif(shutil.which("mosquitto_passwd") is None, reason="mosquitto_passwd is not installed")
def test_verify_accepts_mosquitto_passwd_hash(tmp_path: Path) -> None:
    password_file = tmp_path / "passwd"
    subprocess.run(
        ["mosquitto_passwd", "-c", "-b", str(password_file), "U1/S1", "station-secret"], check=True
    )
    username, hashed = password_file.read_text().strip().split(":", 1)

    assert username == "U1/S1"
    assert verify_password("station-secret", hashed)
    assert not verify_password("other", hashed)


def test_verify_rejects_other_formats() -> None:
    with pytest.raises(BrokerAccessError):
        verify_password("secret", "$6$abc$def")


@pytest.mark.parametrize("code", ["", "U+1", "U#", "U/1", "a b", "x" * 65, "-lead"])
def test_station_codes_validated(code: str) -> None:
    with pytest.raises(BrokerAccessError):
        to_station_refs([(code, "S1")])
    with pytest.raises(BrokerAccessError):
        to_station_refs([("U1", code)])


def test_station_refs_sorted_and_distinct() -> None:
    refs = to_station_refs([("U2", "S1"), ("U1", "S2"), ("U1", "S1"), ("U2", "S1")])

    assert refs == [StationRef("U1", "S1"), StationRef("U1", "S2"), StationRef("U2", "S1")]


def test_issue_stations_idempotent() -> None:
    book = AccountBook()

    first = book.issue_stations([("U1", "S1"), ("U1", "S2")])
    second = book.issue_stations([("U1", "S1"), ("U2", "S9")])

    assert [account.username for account in first] == ["U1/S1", "U1/S2"]
    assert [account.username for account in second] == ["U2/S9"]
    assert book.accounts["U1/S1"].password == first[0].password
    assert len({account.password for account in book.accounts.values()}) == 3
    assert all(len(account.password) == 32 for account in book.accounts.values())


def test_gateway_keeps_password_on_update() -> None:
    book = AccountBook()
    created = book.issue_gateway("gw-east", [("U3", "S1")])

    updated = book.issue_gateway("gw-east", [("U3", "S1"), ("U3", "S2")])

    assert updated.password == created.password
    assert updated.stations == (StationRef("U3", "S1"), StationRef("U3", "S2"))


def test_gateway_name_validated() -> None:
    with pytest.raises(BrokerAccessError):
        AccountBook().issue_gateway("gw/east", [("U3", "S1")])


def test_revoke_station_everywhere() -> None:
    book = AccountBook()
    book.issue_stations([("U3", "S1"), ("U3", "S2")])
    book.issue_gateway("gw-east", [("U3", "S1"), ("U3", "S2")])

    book.revoke_station("U3", "S1")

    assert "U3/S1" not in book.accounts
    assert book.accounts["gw-east"].stations == (StationRef("U3", "S2"),)
    assert "U3/S2" in book.accounts


def test_revoke_unknown_raises() -> None:
    book = AccountBook()

    with pytest.raises(BrokerAccessError):
        book.revoke("U1/S1")
    with pytest.raises(BrokerAccessError):
        book.revoke_station("U1", "S1")


def test_rotate_changes_password() -> None:
    book = AccountBook()
    (account,) = book.issue_stations([("U1", "S1")])

    rotated = book.rotate("U1/S1")

    assert rotated.password != account.password
    assert book.accounts["U1/S1"].password == rotated.password
    assert rotated.stations == account.stations


def test_acl_file_text() -> None:
    book = AccountBook()
    book.issue_stations([("U1", "S1")])
    book.issue_gateway("gw-east", [("U3", "S1"), ("U3", "S2")])

    text = render_acl_file(book, "heatscore-ingest", "heatscore/v1")

    assert text.splitlines()[2:] == [
        "user heatscore-ingest",
        "topic read heatscore/v1/#",
        "",
        "user U1/S1",
        "topic write heatscore/v1/U1/S1/#",
        "",
        "user gw-east",
        "topic write heatscore/v1/U3/S1/#",
        "topic write heatscore/v1/U3/S2/#",
    ]
    assert text.splitlines()[0].startswith("#")


def test_password_file_verifies() -> None:
    book = AccountBook()
    book.issue_stations([("U1", "S1"), ("U1", "S2")])

    lines = render_password_file(book, INGEST).splitlines()

    assert [line.split(":", 1)[0] for line in lines] == ["heatscore-ingest", "U1/S1", "U1/S2"]
    hashes = dict(line.split(":", 1) for line in lines)
    assert verify_password("ingest-secret", hashes["heatscore-ingest"])
    assert verify_password(book.accounts["U1/S2"].password, hashes["U1/S2"])
    assert not verify_password(book.accounts["U1/S1"].password, hashes["U1/S2"])


def test_password_file_rejects_name_clash() -> None:
    book = AccountBook()
    book.issue_gateway("heatscore-ingest", [("U1", "S1")])

    with pytest.raises(BrokerAccessError):
        render_password_file(book, INGEST)


def test_password_file_rejects_colon_in_ingest_name() -> None:
    with pytest.raises(BrokerAccessError):
        render_password_file(AccountBook(), IngestAccount("ingest:1", "x"))


def test_book_round_trip_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "book" / "mqtt-accounts.json"
    book = AccountBook()
    book.issue_stations([("U1", "S1")])
    book.issue_gateway("gw-east", [("U3", "S1")])

    book.save(path)
    loaded = AccountBook.load(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert loaded.accounts == book.accounts


def test_book_missing_file_is_empty(tmp_path: Path) -> None:
    assert AccountBook.load(tmp_path / "absent.json").accounts == {}


def test_book_invalid_file_raises(tmp_path: Path) -> None:
    path = tmp_path / "book.json"
    path.write_text('{"version": 99, "accounts": []}')

    with pytest.raises(BrokerAccessError, match="格式版本"):
        AccountBook.load(path)

    path.write_text("not json")
    with pytest.raises(BrokerAccessError, match="无法读取"):
        AccountBook.load(path)


def test_broker_files_group_readable(tmp_path: Path) -> None:
    book = AccountBook()
    book.issue_stations([("U1", "S1")])

    write_broker_files(book, INGEST, "heatscore/v1", tmp_path / "passwd", tmp_path / "acl")

    assert stat.S_IMODE((tmp_path / "passwd").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "acl").stat().st_mode) == 0o640
    assert not list(tmp_path.glob(".*.tmp"))
    assert book.accounts["U1/S1"].password not in (tmp_path / "passwd").read_text()
