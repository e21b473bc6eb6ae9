"""Policies and retrained models published for every node, and followed by every node.

`backoffice policies publish FILE` (and retraining, for its model) stores the file once
(`records.published`, versioned by its sha256). Each process that judges or reads documents
holds a `Follower`: before a document (at most every `BACKOFFICE_PUBLISHED_CHECK` seconds,
default 10) it reads the current versions, one small query, and loads a newer policy or
model without a restart. A published model is written under the node's data dir
(`models/published/<name>/<version>/`, never overwritten, so processes sharing a data dir
never read a half-written file) and loaded through its manifest check (`modelfile`).

Nothing published: the node's own `policies.toml` (or the defaults) and its models, as on
one machine. Each processed document records the versions it was judged and read with.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policies.config import PolicyConfig, config_from_bytes
from records import published as store
from records.atomic import atomic_write
from records.audit import audit
from records.db import session_scope
from records.published import Published, content_version
from workflow.settings import Settings

log = logging.getLogger(__name__)

POLICIES = "policies"  # the published name of policies.toml
POLICY_FILE = "policies.toml"
DEFAULTS = "defaults"  # the policy version when neither a published nor a local file exists
LOCAL_PREFIX = "local-"  # a node's own policies.toml: "local-<sha256>"
JSON_FORMAT = "json"
PUBLISHED_DIR = ("models", "published")


class PublishError(ValueError):
    """A file that must not become every node's policy or model (invalid, unknown model)."""


def _reload_classifier(path: Path) -> str:
    import classifiers

    return classifiers.reload(path)


def _reload_clause_tagger(path: Path) -> str:
    from extractors.clauses import load_model
    from modelfile import bundle_version

    return str(bundle_version(load_model(str(path))) or path.parent.name)


@dataclass(frozen=True, slots=True)
class ModelSlot:
    """A model that retraining changes: its file name and how a process switches to it."""

    name: str
    filename: str
    reload: Callable[[Path], str]


MODELS: dict[str, ModelSlot] = {
    "classifier": ModelSlot("classifier", "classifier.joblib", _reload_classifier),
    "clause_tagger": ModelSlot("clause_tagger", "clause_tagger.joblib", _reload_clause_tagger),
}


def publish_policies(sessions: Any, raw: bytes, actor: str,
                     json_format: bool = False) -> tuple[Published, bool]:
    """Check the policy file (every setting known and valid) and make it current."""
    try:
        config_from_bytes(raw, json_format=json_format)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PublishError(f"policies not published: {exc}") from None
    manifest = {"format": JSON_FORMAT} if json_format else None
    with session_scope(sessions) as s:
        done, new = store.publish(s, POLICIES, raw, actor, manifest)
        if new:
            audit(s, actor, "published.policies", "published", POLICIES, None,
                  {"version": done.version})
    return done, new


def publish_model(sessions: Any, name: str, path: Path, actor: str) -> tuple[Published, bool]:
    """Check a model file against its manifest (`modelfile.load_checked`) and make it the
    current version of the model `name` for every node."""
    from modelfile import ModelFileError, load_checked, manifest_path

    if name not in MODELS:
        raise PublishError(f"unknown model {name!r}; published models: {', '.join(MODELS)}")
    try:
        load_checked(Path(path))
    except (FileNotFoundError, ModelFileError) as exc:
        raise PublishError(f"model not published: {exc}") from None
    manifest = json.loads(manifest_path(Path(path)).read_text())
    with session_scope(sessions) as s:
        done, new = store.publish(s, name, Path(path).read_bytes(), actor, manifest)
        if new:
            audit(s, actor, "published.model", "published", name, None,
                  {"version": done.version, "model_version": manifest.get("version")})
    return done, new


class Follower:
    """One process's view of the published versions; `refresh` is cheap and throttled."""

    def __init__(self, settings: Settings, sessions: Any, every_s: float | None = None) -> None:
        self.settings, self.sessions = settings, sessions
        self.every_s = settings.published_check_s if every_s is None else every_s
        self._lock = threading.Lock()
        self._checked = -float("inf")
        self._applied: dict[str, str] = {}  # name -> version in use here
        self._refused: dict[str, str] = {}  # name -> a version that failed to load here
        self._config: PolicyConfig | None = None
        self.policy_version = DEFAULTS

    # ------------------------------------------------------------------ reading
    @property
    def policy_config(self) -> PolicyConfig:
        """The policies in use (as of the last `refresh`; it reads nothing itself, so it can
        be used inside an open transaction)."""
        if self._config is None:
            with self._lock:
                if self._config is None:
                    self._config, self.policy_version = self._local_policies()
        return self._config

    def versions(self) -> dict[str, str]:
        """What this process judges and reads with: the policies' version, and the version
        (sha256) of every published model in use."""
        self.policy_config  # noqa: B018 - loads the node's own policies when none is published
        return {POLICIES: self.policy_version,
                **{n: v for n, v in self._applied.items() if n != POLICIES}}

    def refresh(self, force: bool = False) -> list[str]:
        """Load what was published since the last check; the names changed here."""
        if not force and time.monotonic() - self._checked < self.every_s:
            return []
        with self._lock:
            self._checked = time.monotonic()
            with session_scope(self.sessions) as s:
                current = store.current_versions(s)
                due = [n for n, v in current.items()
                       if self._applied.get(n) != v and self._refused.get(n) != v]
                found = [p for p in (store.current(s, n) for n in due) if p is not None]
            return [p.name for p in found if self._apply(p)]

    # ------------------------------------------------------------------ applying
    def _local_policies(self) -> tuple[PolicyConfig, str]:
        path = self.settings.data_dir / POLICY_FILE
        if not path.is_file():
            config, version = PolicyConfig(), DEFAULTS
        else:
            raw = path.read_bytes()
            config, version = config_from_bytes(raw, where=str(path)), \
                LOCAL_PREFIX + content_version(raw)
        config.type_threshold = self.settings.type_threshold
        return config, version

    def _apply(self, p: Published) -> bool:
        try:
            if p.name == POLICIES:
                json_format = (p.manifest or {}).get("format") == JSON_FORMAT
                config = config_from_bytes(p.content, json_format=json_format,
                                           where=f"published policies {p.version[:12]}")
                config.type_threshold = self.settings.type_threshold
                self._config, self.policy_version = config, p.version
            elif p.name in MODELS:
                slot = MODELS[p.name]
                path = self.settings.data_dir.joinpath(*PUBLISHED_DIR, p.name, p.version[:16],
                                                       slot.filename)
                if not path.exists() or content_version(path.read_bytes()) != p.version:
                    atomic_write(path.with_suffix(".json"),
                                  (json.dumps(p.manifest, indent=1, sort_keys=True) + "\n")
                                  .encode())
                    atomic_write(path, p.content)
                slot.reload(path)
            else:
                log.warning("published %s is not known to this version; ignored", p.name)
                self._refused[p.name] = p.version
                return False
        except Exception:  # noqa: BLE001 - the version in use stays; said once per version
            log.exception("published %s %s could not be loaded; keeping the current one",
                          p.name, p.version[:12])
            self._refused[p.name] = p.version
            return False
        self._applied[p.name] = p.version
        log.info("now using published %s %s", p.name, p.version[:12])
        return True
