"""Issue per-station MQTT accounts and render Mosquitto's password and ACL files from them.

Each heat station (热力站), or a gateway that covers several stations, gets one MQTT account
that may publish only under ``<prefix>/<unit>/<station>/#`` and may read no topic.
The ingest account alone reads ``<prefix>/#``, plain or as a shared subscription. Passwords
are random and live only in the account book, a JSON file with mode 0600. Mosquitto receives
them only as PBKDF2-SHA512 hashes in the ``$7$`` format of Mosquitto 2.0's ``mosquitto_passwd``.
Mosquitto reads both files again on SIGHUP, so a revocation needs no broker restart.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import secrets
import signal
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.topics import IDENTIFIER_PATTERN

logger = logging.getLogger(__name__)

# Mosquitto 2.0's mosquitto_passwd uses 101 iterations, a 12-byte salt and SHA-512. The
# passwords issued here carry 192 random bits, so a higher iteration count adds nothing.
PBKDF2_ITERATIONS = 101
SALT_BYTES = 12
PASSWORD_BYTES = 24
BOOK_FORMAT_VERSION = 1


class BrokerAccessError(ValueError):
    """Raised for an invalid station, account name or account book; the message is Chinese."""


@dataclass(frozen=True, slots=True, order=True)
class StationRef:
    """One heat station, named by its heating unit code and its station code."""

    unit: str
    station: str

    def topic_filter(self, prefix: str) -> str:
        """Return the filter that covers every topic this station's devices publish under."""
        return f"{prefix}/{self.unit}/{self.station}/#"


@dataclass(frozen=True, slots=True)
class BrokerAccount:
    """One MQTT account for a station or a gateway, with the stations it may publish for."""

    username: str
    password: str
    stations: tuple[StationRef, ...]


@dataclass(frozen=True, slots=True)
class IngestAccount:
    """The MQTT account of the ingest processes, taken from HEATSCORE_MQTT_USERNAME/PASSWORD."""

    username: str
    password: str


def station_username(station: StationRef) -> str:
    """Return the MQTT user name of a station's own account, ``<unit>/<station>``.

    Codes cannot contain a slash, so the name is unique, and a gateway name (which
    cannot contain one either) never collides with it.
    """
    return f"{station.unit}/{station.station}"


def to_station_refs(pairs: Iterable[tuple[str, str]]) -> list[StationRef]:
    """Validate (unit_code, station_code) pairs and return them as sorted, distinct stations."""
    stations: set[StationRef] = set()
    for unit, station in pairs:
        for label, code in (("供热单位编码", unit), ("热力站编码", station)):
            if not IDENTIFIER_PATTERN.match(code):
                raise BrokerAccessError(
                    f"{label} '{code}' 无效：只允许字母、数字、下划线、点和连字符，最长 64 个字符"
                )
        stations.add(StationRef(unit, station))
    return sorted(stations)


def generate_password() -> str:
    """Return a new random password of 32 URL-safe characters."""
    return secrets.token_urlsafe(PASSWORD_BYTES)


def hash_password(password: str, salt: bytes | None = None, iterations: int = PBKDF2_ITERATIONS) -> str:
    """Hash a password into Mosquitto 2.0's ``$7$<iterations>$<salt>$<digest>`` format."""
    if salt is None:
        salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, iterations)
    salt_text = base64.b64encode(salt).decode("ascii")
    digest_text = base64.b64encode(digest).decode("ascii")
    return f"$7${iterations}${salt_text}${digest_text}"


def verify_password(password: str, hashed: str) -> bool:
    """Check a password against a ``$7$`` hash, as Mosquitto does at connect time."""
    parts = hashed.split("$")
    if len(parts) != 5 or parts[1] != "7":
        raise BrokerAccessError(f"不是 Mosquitto 2.0 的 $7$ 口令散列：'{hashed[:12]}…'")
    salt = base64.b64decode(parts[3])
    return secrets.compare_digest(hash_password(password, salt, int(parts[2])), hashed)


class AccountBook:
    """The issued MQTT accounts, keyed by user name, stored as a JSON file readable only by its owner."""

    def __init__(self, accounts: Iterable[BrokerAccount] = ()) -> None:
        self.accounts: dict[str, BrokerAccount] = {account.username: account for account in accounts}

    @classmethod
    def load(cls, path: Path) -> AccountBook:
        """Read an account book, or return an empty one when the file does not exist yet."""
        if not path.exists():
            return cls()
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            if document.get("version") != BOOK_FORMAT_VERSION:
                raise BrokerAccessError(f"账号文件 {path} 的格式版本 {document.get('version')!r} 不受支持")
            return cls(
                BrokerAccount(
                    username=item["username"],
                    password=item["password"],
                    stations=tuple(StationRef(unit, station) for unit, station in item["stations"]),
                )
                for item in document["accounts"]
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            if isinstance(error, BrokerAccessError):
                raise
            raise BrokerAccessError(f"账号文件 {path} 无法读取：{error}") from None

    def save(self, path: Path) -> None:
        """Write the account book atomically with mode 0600, since it contains plain passwords."""
        document = {
            "version": BOOK_FORMAT_VERSION,
            "accounts": [
                {
                    "username": account.username,
                    "password": account.password,
                    "stations": [[ref.unit, ref.station] for ref in account.stations],
                }
                for account in sorted(self.accounts.values(), key=lambda account: account.username)
            ],
        }
        write_file_atomically(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n", 0o600)

    def issue_stations(self, pairs: Iterable[tuple[str, str]]) -> list[BrokerAccount]:
        """Create an own account for every station that has none yet and return the new accounts."""
        created = []
        for station in to_station_refs(pairs):
            username = station_username(station)
            if username in self.accounts:
                continue
            account = BrokerAccount(username, generate_password(), (station,))
            self.accounts[username] = account
            created.append(account)
        logger.info("issued %d new station accounts", len(created))
        return created

    def issue_gateway(self, name: str, pairs: Iterable[tuple[str, str]]) -> BrokerAccount:
        """Create a gateway account, or replace the stations of an existing one, keeping its password."""
        if not IDENTIFIER_PATTERN.match(name):
            raise BrokerAccessError(
                f"网关名称 '{name}' 无效：只允许字母、数字、下划线、点和连字符，最长 64 个字符"
            )
        stations = tuple(to_station_refs(pairs))
        existing = self.accounts.get(name)
        password = existing.password if existing else generate_password()
        account = BrokerAccount(name, password, stations)
        self.accounts[name] = account
        logger.info("gateway account %s now covers %d stations", name, len(stations))
        return account

    def revoke(self, username: str) -> None:
        """Remove one account; its user can no longer connect once Mosquitto has reloaded."""
        if self.accounts.pop(username, None) is None:
            raise BrokerAccessError(f"账号 '{username}' 不存在")
        logger.info("revoked MQTT account %s", username)

    def revoke_station(self, unit: str, station: str) -> None:
        """Remove a station's own account and take the station away from every gateway."""
        (ref,) = to_station_refs([(unit, station)])
        found = self.accounts.pop(station_username(ref), None) is not None
        for name, account in list(self.accounts.items()):
            if ref in account.stations:
                remaining = tuple(item for item in account.stations if item != ref)
                self.accounts[name] = BrokerAccount(name, account.password, remaining)
                found = True
        if not found:
            raise BrokerAccessError(f"热力站 {unit}/{station} 没有已签发的账号")
        logger.info("revoked MQTT access of station %s/%s", unit, station)

    def rotate(self, username: str) -> BrokerAccount:
        """Give an account a new random password and return it."""
        account = self.accounts.get(username)
        if account is None:
            raise BrokerAccessError(f"账号 '{username}' 不存在")
        rotated = BrokerAccount(username, generate_password(), account.stations)
        self.accounts[username] = rotated
        logger.info("rotated the password of MQTT account %s", username)
        return rotated


def render_password_file(book: AccountBook, ingest: IngestAccount) -> str:
    """Render Mosquitto's password file: one ``user:$7$…`` line per account, ingest first."""
    if ingest.username in book.accounts:
        raise BrokerAccessError(f"采集账号名 '{ingest.username}' 与已签发的站点或网关账号重名")
    for username in [ingest.username, *book.accounts]:
        if not username or ":" in username or any(char.isspace() for char in username):
            raise BrokerAccessError(f"账号名 '{username}' 无效：不能为空，不能含冒号或空白")

    lines = [f"{ingest.username}:{hash_password(ingest.password)}"]
    for username in sorted(book.accounts):
        lines.append(f"{username}:{hash_password(book.accounts[username].password)}")
    return "\n".join(lines) + "\n"


def render_acl_file(book: AccountBook, ingest_username: str, prefix: str) -> str:
    """Render Mosquitto's ACL file: write rights per station account, read rights for ingest only.

    No ``topic`` line appears before the first ``user`` line, so no rule applies to every
    client. Mosquitto 2.0's built-in ACL check grants every SUBSCRIBE, shared ones included,
    and checks read access against each message's topic at delivery. A station may therefore
    subscribe, but receives nothing, and the ingest's ``$share/<group>/…`` subscription is
    covered by the plain ``read`` line.
    """
    lines = [
        "# Generated by ingest/broker_access.py from the account book; edits here are overwritten.",
        "",
        f"user {ingest_username}",
        f"topic read {prefix}/#",
    ]
    for username in sorted(book.accounts):
        account = book.accounts[username]
        lines.append("")
        lines.append(f"user {username}")
        lines.extend(f"topic write {station.topic_filter(prefix)}" for station in account.stations)
    return "\n".join(lines) + "\n"


def write_broker_files(
    book: AccountBook, ingest: IngestAccount, prefix: str, password_file: Path, acl_file: Path
) -> None:
    """Write Mosquitto's password and ACL files atomically with mode 0640."""
    write_file_atomically(password_file, render_password_file(book, ingest), 0o640)
    write_file_atomically(acl_file, render_acl_file(book, ingest.username, prefix), 0o640)
    logger.info(
        "wrote %d MQTT accounts to %s and %s", len(book.accounts) + 1, password_file, acl_file
    )


def write_file_atomically(path: Path, text: str, mode: int) -> None:
    """Replace a file in one rename, keeping the owner and group of the file it replaces.

    Keeping the group matters for the broker files: Mosquitto rereads them on SIGHUP as its
    own unprivileged user, so they must stay readable to the group the operator gave them.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        if path.exists() and os.geteuid() == 0:
            status = path.stat()
            os.chown(temporary, status.st_uid, status.st_gid)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def reload_broker(pid_file: Path) -> int:
    """Send SIGHUP to the Mosquitto process named in its pid file and return the pid."""
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError) as error:
        raise BrokerAccessError(f"无法从 {pid_file} 读取 Mosquitto 的进程号：{error}") from None
    os.kill(pid, signal.SIGHUP)
    logger.info("sent SIGHUP to Mosquitto (pid %d) to reload passwords and ACL", pid)
    return pid
