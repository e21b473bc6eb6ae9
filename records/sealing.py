"""Files sealed at rest with AES-256-GCM: originals and their page-image cache.

Why every original and not only HR's: an original is stored before it is classified
(nothing a user uploads may be lost), so the only way no HR document ever lies on disk in
clear is to seal every one. Sealing costs about a millisecond per megabyte.

A sealed file is `MAGIC | key id (8) | nonce (12) | ciphertext | tag (16)`, the header
authenticated with the content. The key comes from `BACKOFFICE_HR_KEY` (32 bytes, base64
or hex) or else from `hr.key` in the data dir, created once with mode 0600. During a key
rotation (`backoffice hr rotate-key`) the next key sits in `hr.key.next` (or
`BACKOFFICE_HR_NEW_KEY`) and files sealed with either key open; `BACKOFFICE_HR_KEY_PREVIOUS`
(comma-separated) lists older keys still to be read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from records.objects import LocalObjects, ObjectStore

MAGIC = b"BOSEAL1\n"
KEY_ID_BYTES = 8
NONCE_BYTES = 12
TAG_BYTES = 16
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES + NONCE_BYTES
KEY_FILE = "hr.key"
NEXT_KEY_FILE = "hr.key.next"
KEY_ENV = "BACKOFFICE_HR_KEY"
NEW_KEY_ENV = "BACKOFFICE_HR_NEW_KEY"
PREVIOUS_KEYS_ENV = "BACKOFFICE_HR_KEY_PREVIOUS"
CHUNK = 1 << 20


class SealingError(Exception):
    """A sealed file cannot be opened (unknown key, altered content) or a key is unusable."""


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"backoffice-seal-key-id" + key).digest()[:KEY_ID_BYTES]


def parse_key(text: str, source: str) -> bytes:
    """A 32-byte key written as base64 (standard or url-safe) or 64 hex digits."""
    raw = text.strip()
    candidates: list[bytes] = []
    if len(raw) == 64:
        try:
            candidates.append(bytes.fromhex(raw))
        except ValueError:
            pass
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            candidates.append(decode(raw + "=" * (-len(raw) % 4)))
        except (binascii.Error, ValueError):
            pass
    for key in candidates:
        if len(key) == 32:
            return key
    raise SealingError(f"{source}: expected a 32-byte key as base64 or 64 hex digits")


def new_key_text() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def is_sealed(head: bytes) -> bool:
    return head.startswith(MAGIC)


class Sealer:
    """Seals with the current key; opens with any known one. The key may be given or
    loaded on first use (`load_sealer`), so a data dir gets its key file when the first
    original is stored, and a full disk then fails that one store, not the start."""

    def __init__(self, current: bytes | None = None,
                 readable: dict[bytes, bytes] | None = None,
                 loader: Callable[[], tuple[bytes, dict[bytes, bytes]]] | None = None) -> None:
        if current is None and loader is None:
            raise SealingError("a sealer needs a key or a way to load one")
        self._current = current
        self._readable = dict(readable or {})
        self._loader = loader
        self._lock = threading.Lock()
        if current is not None:
            self._readable.setdefault(key_id(current), current)

    def _load(self) -> None:
        with self._lock:
            if self._current is None:
                assert self._loader is not None
                current, readable = self._loader()
                self._readable = {**readable, **self._readable}
                self._readable.setdefault(key_id(current), current)
                self._current = current

    @property
    def current(self) -> bytes:
        if self._current is None:
            self._load()
        assert self._current is not None
        return self._current

    @property
    def readable(self) -> dict[bytes, bytes]:
        if self._current is None:
            self._load()
        return self._readable

    @property
    def current_id(self) -> bytes:
        return key_id(self.current)

    def seal(self, data: bytes) -> bytes:
        header = MAGIC + self.current_id + secrets.token_bytes(NONCE_BYTES)
        aad = header[: len(MAGIC) + KEY_ID_BYTES]
        return header + AESGCM(self.current).encrypt(header[-NONCE_BYTES:], data, aad)

    def seal_stream(self, src: BinaryIO, dst: BinaryIO) -> None:
        """Seal a file too large to hold in memory; the output opens with `open`."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        header = MAGIC + self.current_id + nonce
        enc = Cipher(algorithms.AES(self.current), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(header[: len(MAGIC) + KEY_ID_BYTES])
        dst.write(header)
        for chunk in iter(lambda: src.read(CHUNK), b""):
            dst.write(enc.update(chunk))
        dst.write(enc.finalize())
        dst.write(enc.tag)

    def open(self, blob: bytes) -> bytes:
        """The clear content of a sealed file; a file never sealed is returned as it is."""
        if not is_sealed(blob):
            return blob
        if len(blob) < HEADER_BYTES + TAG_BYTES:
            raise SealingError("sealed file is truncated")
        kid = blob[len(MAGIC): len(MAGIC) + KEY_ID_BYTES]
        key = self.readable.get(kid)
        if key is None:
            raise SealingError(
                f"sealed with a key this service does not have (key id {kid.hex()}): set "
                f"{KEY_ENV} (or {PREVIOUS_KEYS_ENV}) or restore {KEY_FILE} in the data dir")
        nonce = blob[HEADER_BYTES - NONCE_BYTES: HEADER_BYTES]
        try:
            return AESGCM(key).decrypt(nonce, blob[HEADER_BYTES:],
                                       blob[: len(MAGIC) + KEY_ID_BYTES])
        except InvalidTag:
            raise SealingError("sealed file fails authentication (altered or damaged)") from None

    def sealed_with_current(self, head: bytes) -> bool:
        return is_sealed(head) and head[len(MAGIC): len(MAGIC) + KEY_ID_BYTES] == self.current_id


def _write_key_file(path: Path, text: str) -> None:
    """Create `path` whole or not at all, mode 0600 whatever the umask; never overwrite
    (FileExistsError when another process created it first)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-key-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write((text + "\n").encode())
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)  # atomic, and refuses an existing key
    finally:
        Path(tmp).unlink(missing_ok=True)
    dfd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def _read_key_file(path: Path) -> bytes:
    return parse_key(path.read_text(), str(path))


def _env_keys() -> dict[bytes, bytes]:
    readable: dict[bytes, bytes] = {}
    for i, text in enumerate(filter(None, os.environ.get(PREVIOUS_KEYS_ENV, "").split(","))):
        k = parse_key(text, f"{PREVIOUS_KEYS_ENV}[{i}]")
        readable[key_id(k)] = k
    env_new = os.environ.get(NEW_KEY_ENV)
    if env_new:
        k = parse_key(env_new, NEW_KEY_ENV)
        readable[key_id(k)] = k
    return readable


def _key_file_keys(data_dir: Path, create: bool) -> tuple[bytes, dict[bytes, bytes]]:
    readable = _env_keys()
    path = data_dir / KEY_FILE
    if not path.exists():
        if not create:
            raise SealingError(f"no key: {path} does not exist and {KEY_ENV} is unset")
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            _write_key_file(path, new_key_text())
        except FileExistsError:  # another process started at the same moment: its key
            pass
    nxt = data_dir / NEXT_KEY_FILE
    if nxt.exists():  # a rotation under way: what it sealed already must open
        k = _read_key_file(nxt)
        readable[key_id(k)] = k
    return _read_key_file(path), readable


def load_sealer(data_dir: Path, create: bool = True) -> Sealer:
    """The data dir's sealer: the key from `BACKOFFICE_HR_KEY`, else the key file (created
    0600 when the first file is sealed; two processes at once agree on the first one)."""
    env = os.environ.get(KEY_ENV)
    if env:
        return Sealer(parse_key(env, KEY_ENV), _env_keys())
    return Sealer(loader=lambda: _key_file_keys(data_dir, create))


@dataclass(frozen=True, slots=True)
class Rotation:
    """What `rotate` did: files sealed anew, and the id of the key now in use."""

    resealed: int
    already: int
    key_id: str
    env_key: str | None  # the key to put in BACKOFFICE_HR_KEY (environment mode only)


def rotate(data_dir: Path, roots: list[Path | ObjectStore]) -> Rotation:
    """Seal every file under `roots` with a new key, then make it the key.

    Key-file mode: the new key is written to `hr.key.next` (0600) first and every file
    re-sealed with it (files sealed with either key open meanwhile, so an interrupted
    rotation is finished by running it again); then it replaces `hr.key` and the old key
    is gone. Environment mode: the new key is `BACKOFFICE_HR_NEW_KEY`; afterwards the
    operator sets `BACKOFFICE_HR_KEY` to it. Files never sealed (from before sealing
    existed) are sealed too. Run it with the service stopped.
    """
    env_mode = bool(os.environ.get(KEY_ENV))
    if env_mode:
        new_text = os.environ.get(NEW_KEY_ENV)
        if not new_text:
            raise SealingError(f"{KEY_ENV} is set: put the new key in {NEW_KEY_ENV} "
                               f"(e.g. {new_key_text()}) and run the rotation again")
        new = parse_key(new_text, NEW_KEY_ENV)
    else:
        nxt = data_dir / NEXT_KEY_FILE
        if not nxt.exists():
            load_sealer(data_dir)  # the current key file exists before the next one
            _write_key_file(nxt, new_key_text())
        new = _read_key_file(nxt)
    old = load_sealer(data_dir)
    target = Sealer(new, dict(old.readable))
    resealed = already = 0
    for root in roots:  # the data dir's folders or an S3 store (records.objects)
        store = LocalObjects(root) if isinstance(root, Path) else root
        for key in list(store.keys()):
            blob = store.read(key)
            if target.sealed_with_current(blob[:HEADER_BYTES]):
                already += 1
                continue
            store.write(key, target.seal(target.open(blob)))
            resealed += 1
    if env_mode:
        return Rotation(resealed, already, target.current_id.hex(),
                        base64.urlsafe_b64encode(new).decode())
    os.replace(data_dir / NEXT_KEY_FILE, data_dir / KEY_FILE)
    return Rotation(resealed, already, target.current_id.hex(), None)
