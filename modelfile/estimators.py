"""Fitted scikit-learn estimators that the runtime only applies, evaluated with NumPy.

Why: at run time the field scorers only call `predict_proba` of gradient-boosted trees and
read a `DictVectorizer`'s vocabulary, yet unpickling them imported `sklearn.ensemble`,
`sklearn.tree` and scikit-learn's array-API layer (with `scipy.special`): about 0.3 s of a
~1 s one-file `backoffice process` on an idle machine, and of every worker's start.

How: `modelfile.container` unpickles the classes in `STAND_INS` as the classes here (as it
does the isotonic calibrator), so the model files stay scikit-learn's own pickles, written
by the trainers as before, and a rebuilt model loads the same way. Each stand-in receives
the state scikit-learn pickled and keeps what prediction needs as arrays:
- `HistGradientBoostingClassifier` and `GradientBoostingClassifier` (binary, log-loss):
  every tree's nodes in flat arrays, all trees walked at once level by level, leaf values
  summed tree by tree in float64 from the same start (baseline, or the prior's log-odds)
  in the same order as scikit-learn, then the logistic function (SciPy's formulas with
  the C library's exp and log), so the probabilities are scikit-learn's to the bit. Histogram trees read X as
  float64 and send NaN where the split learnt to; classic trees compare X cast to float32
  with float64 thresholds, as scikit-learn's Cython does.
- `DictVectorizer` (dense): its vocabulary and `transform`.
- `DummyClassifier` ("prior" or "most_frequent"), the init of classic boosting.
The other classes in `STAND_INS` are parts of those (trees, losses, links, the bin
mapper, the label encoder) and only hold their state.

A model using something not reproduced here (categorical splits, more than two classes,
another loss, a sparse vectoriser, another init) raises `NotReproduced` while it is
unpickled, and `modelfile.container` loads that file with scikit-learn's classes instead.
`tests/test_modelfile_estimators.py` compares every shipped model's probabilities with
scikit-learn's on random rows, TRAIN-like rows and thresholds hit exactly.
A stand-in is never written into a model file (`modelfile.container.dumps` refuses it).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from numbers import Number
from typing import Any

import numpy as np


class NotReproduced(Exception):
    """A fitted model uses something these stand-ins do not evaluate: load it with
    scikit-learn's own classes (`modelfile.container` does so)."""


class _Pickled:
    """The pickled state of a scikit-learn object, kept as it was unpickled. Pickle builds
    it either as `cls(*args)` or `cls.__new__(cls)`, then `__setstate__(state)`."""

    SKLEARN: tuple[str, str] = ("", "")

    def __init__(self, *args: Any) -> None:
        self._args = args

    def __setstate__(self, state: Any) -> None:
        self._state = state if isinstance(state, dict) else {"state": state}

    def get(self, key: str, default: Any = None) -> Any:
        return self.__dict__.get("_state", {}).get(key, default)


def _kind(obj: Any) -> str:
    """The scikit-learn class name a stand-in stands for ('' for anything else)."""
    return type(obj).SKLEARN[1] if isinstance(obj, _Pickled) else ""


class Part(_Pickled):
    """A part of a fitted model (its trees' containers, loss, link, bin mapper...)."""


class TreeNodes(_Pickled):
    """A classic tree's (`sklearn.tree._tree.Tree`) nodes and leaf values."""


class TreePredictorNodes(_Pickled):
    """A histogram-boosting tree's (`TreePredictor`) nodes."""


def _link_is_logit(loss: Any) -> bool:
    return (_kind(loss) == "HalfBinomialLoss" and _kind(loss.get("link")) == "LogitLink")


class _Forest:
    """Binary trees in flat arrays, evaluated together: node index per (row, tree), moved
    one level down per step for `depth` steps (a leaf points at itself). Built from all
    trees' nodes concatenated (`sizes`: nodes per tree; `left`/`right` count from each
    tree's first node), in a few array operations whatever the number of trees."""

    def __init__(self, sizes: list[int], *, feature: np.ndarray, threshold: np.ndarray,
                 missing_left: np.ndarray, left: np.ndarray, right: np.ndarray,
                 leaf: np.ndarray, value: np.ndarray, depth: int) -> None:
        offsets = np.cumsum([0, *sizes])
        self.roots = offsets[:-1].astype(np.intp)
        leaf = leaf.astype(bool)
        self.feature = np.where(leaf, 0, feature).astype(np.intp)
        self.threshold = threshold.astype(np.float64)
        self.missing_left = missing_left.astype(bool)
        ids = np.arange(len(leaf), dtype=np.intp)
        base = np.repeat(self.roots, sizes)
        self.left = np.where(leaf, ids, left.astype(np.intp) + base)
        self.right = np.where(leaf, ids, right.astype(np.intp) + base)
        self.value = value.astype(np.float64)
        self.depth = int(depth)

    def leaf_values(self, X: np.ndarray, nan_aware: bool) -> np.ndarray:
        """(n_rows, n_trees) leaf value of each row in each tree."""
        n, n_features = X.shape
        flat = X.reshape(-1)
        idx = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        rowbase = (np.arange(n, dtype=np.intp) * n_features)[:, None]
        for _ in range(self.depth):
            v = flat[rowbase + self.feature[idx]]
            go_left = v <= self.threshold[idx]
            if nan_aware:
                go_left |= np.isnan(v) & self.missing_left[idx]
            idx = np.where(go_left, self.left[idx], self.right[idx])
        return self.value[idx]


def _stacked(parts: list[np.ndarray]) -> np.ndarray:
    """`np.concatenate(parts)` of the trees' node records. With one structured dtype (as a
    fitted model's trees have) their bytes are joined and viewed as it: concatenate
    promotes the records' dtype pair by pair, ~45 ms for the ~950 trees of the shipped
    field scorers at every start. Anything else goes to np.concatenate."""
    first = parts[0].dtype
    if first.names is not None and not first.hasobject and all(
            p.dtype == first and p.dtype.itemsize == first.itemsize and p.ndim == 1
            and p.flags.c_contiguous for p in parts):
        return np.concatenate([p.view(np.uint8) for p in parts]).view(first)
    return np.concatenate(parts)


def _summed(start: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """start + terms[:, 0] + terms[:, 1] + ..., added in that order (float64)."""
    return np.cumsum(np.column_stack([start, terms]), axis=1)[:, -1]


def _expit(x: np.ndarray) -> np.ndarray:
    """SciPy's `expit`, 1 / (1 + exp(-x)), with the C library's exp (as SciPy calls it;
    NumPy's own exp differs in the last bit for about 2 % of inputs)."""
    return np.array([_expit_one(v) for v in x.tolist()], dtype=np.float64)


def _expit_one(v: float) -> float:
    try:
        return 1.0 / (1.0 + math.exp(-v))
    except OverflowError:  # exp(-v) beyond the largest float: the limit, as SciPy gives it
        return 0.0


def _logit(p: float) -> float:
    """SciPy's `logit` (log1p form near 1/2, where log(p / (1 - p)) loses precision)."""
    if p < 0.3 or p > 0.65:
        return math.log(p / (1 - p))
    s = 2 * (p - 0.5)
    return math.log1p(s) - math.log1p(-s)


def _binary_proba(raw: np.ndarray) -> np.ndarray:
    """`HalfBinomialLoss.predict_proba`: column 1 the logistic of the raw score."""
    proba = np.empty((raw.shape[0], 2), dtype=raw.dtype)
    proba[:, 1] = _expit(raw)
    proba[:, 0] = 1 - proba[:, 1]
    return proba


def _rows(X: Any, n_features: int, dtype: type) -> np.ndarray:
    x = np.asarray(X, dtype=dtype)
    if x.ndim != 2 or x.shape[1] != n_features:
        raise ValueError(f"X has shape {x.shape}, the model expects {n_features} features")
    return np.ascontiguousarray(x)


class HistGradientBoosting(_Pickled):
    """`HistGradientBoostingClassifier.predict_proba` of a binary model without
    categorical features."""

    SKLEARN = ("sklearn.ensemble._hist_gradient_boosting.gradient_boosting",
               "HistGradientBoostingClassifier")

    def __setstate__(self, state: Any) -> None:
        super().__setstate__(state)
        s = self._state
        if not _link_is_logit(s.get("_loss")) or s.get("n_trees_per_iteration_") != 1:
            raise NotReproduced("histogram boosting: only binary log-loss is evaluated here")
        if s.get("_preprocessor") is not None or s.get("is_categorical_") is not None:
            raise NotReproduced("histogram boosting: categorical features")
        per_tree = []
        for iteration in s["_predictors"]:
            (pred,) = iteration
            if pred.get("nodes") is None:
                raise NotReproduced("histogram boosting: a tree without nodes")
            per_tree.append(pred.get("nodes"))
        self._forest = None
        if per_tree:
            nodes = _stacked(per_tree)
            if nodes["is_categorical"].any():
                raise NotReproduced("histogram boosting: categorical splits")
            self._forest = _Forest(
                [len(n) for n in per_tree], feature=nodes["feature_idx"],
                threshold=nodes["num_threshold"], missing_left=nodes["missing_go_to_left"],
                left=nodes["left"], right=nodes["right"], leaf=nodes["is_leaf"],
                value=nodes["value"], depth=int(nodes["depth"].max()))
        self._baseline = np.asarray(s["_baseline_prediction"], dtype=np.float64).reshape(-1)
        self.classes_ = s["classes_"]
        self.n_features_in_ = int(s["n_features_in_"])

    def raw_predict(self, X: Any) -> np.ndarray:
        x = _rows(X, self.n_features_in_, np.float64)
        start = np.full(x.shape[0], self._baseline[0], dtype=np.float64)
        if self._forest is None:
            return start
        return _summed(start, self._forest.leaf_values(x, nan_aware=True))

    def predict_proba(self, X: Any) -> np.ndarray:
        return _binary_proba(self.raw_predict(X))


class Dummy(_Pickled):
    """`DummyClassifier.predict_proba` for the "prior" and "most_frequent" strategies
    (one output)."""

    SKLEARN = ("sklearn.dummy", "DummyClassifier")

    def __setstate__(self, state: Any) -> None:
        super().__setstate__(state)
        s = self._state
        if s.get("_strategy", s.get("strategy")) not in ("prior", "most_frequent") or \
                s.get("n_outputs_") != 1:
            raise NotReproduced("dummy classifier: only 'prior'/'most_frequent', one output")
        prior = np.asarray(s["class_prior_"], dtype=np.float64)
        if s.get("_strategy", s.get("strategy")) == "most_frequent":
            onehot = np.zeros_like(prior)
            onehot[prior.argmax()] = 1.0
            prior = onehot
        self._row = prior
        self.classes_ = s["classes_"]

    def predict_proba(self, X: Any) -> np.ndarray:
        return np.tile(self._row, (len(X), 1))


class GradientBoosting(_Pickled):
    """`GradientBoostingClassifier.predict_proba` of a binary log-loss model."""

    SKLEARN = ("sklearn.ensemble._gb", "GradientBoostingClassifier")

    def __setstate__(self, state: Any) -> None:
        super().__setstate__(state)
        s = self._state
        est = s.get("estimators_")
        if not _link_is_logit(s.get("_loss")) or est is None or est.ndim != 2 or \
                est.shape[1] != 1:
            raise NotReproduced("gradient boosting: only binary log-loss is evaluated here")
        init = s.get("init_")
        if isinstance(init, str) and init == "zero":
            self._init = 0.0
        elif isinstance(init, Dummy):
            # `_init_raw_predictions`: the prior of class 1 clipped, then its log-odds
            eps = np.finfo(np.float64).eps
            p = np.clip(init._row[1:2], eps, 1 - eps, dtype=np.float64)
            self._init = _logit(float(p[0]))
        else:
            raise NotReproduced("gradient boosting: an init other than the prior or zero")
        trees = [reg.get("tree_") for reg in est[:, 0]]
        if not all(isinstance(t, TreeNodes) and t.get("nodes") is not None for t in trees):
            raise NotReproduced("gradient boosting: a stage is not a fitted tree")
        values = [t.get("values") for t in trees]
        if any(v.shape[1:] != (1, 1) for v in values):
            raise NotReproduced("gradient boosting: trees with several outputs")
        per_tree = [t.get("nodes") for t in trees]
        nodes = _stacked(per_tree)
        leaf = nodes["left_child"] == -1  # scikit-learn's TREE_LEAF
        self._forest = _Forest(
            [len(n) for n in per_tree], feature=nodes["feature"],
            threshold=nodes["threshold"], missing_left=np.zeros(len(nodes), bool),
            left=np.where(leaf, 0, nodes["left_child"]),
            right=np.where(leaf, 0, nodes["right_child"]), leaf=leaf,
            value=np.concatenate(values)[:, 0, 0],
            depth=max(int(t.get("max_depth")) for t in trees))
        self._rate = float(s["learning_rate"])
        self.classes_ = s["classes_"]
        self.n_features_in_ = int(s["n_features_in_"])

    def raw_predict(self, X: Any) -> np.ndarray:
        # scikit-learn validates X as float32 (and refuses NaN or infinity)
        x = _rows(X, self.n_features_in_, np.float32)
        if not np.isfinite(x).all():
            raise ValueError("Input X contains NaN or infinity")
        start = np.full(x.shape[0], self._init, dtype=np.float64)
        return _summed(start, self._rate * self._forest.leaf_values(x, nan_aware=False))

    def predict_proba(self, X: Any) -> np.ndarray:
        return _binary_proba(self.raw_predict(X))


class DictVectorizerMap(_Pickled):
    """A fitted dense `DictVectorizer`: `vocabulary_`, `feature_names_`, `dtype`,
    `separator` and `transform`."""

    SKLEARN = ("sklearn.feature_extraction._dict_vectorizer", "DictVectorizer")

    def __setstate__(self, state: Any) -> None:
        super().__setstate__(state)
        s = self._state
        if s.get("sparse", True) or "vocabulary_" not in s:
            raise NotReproduced("DictVectorizer: only a fitted dense one is evaluated here")
        self.sparse = False
        self.vocabulary_: dict[str, int] = s["vocabulary_"]
        self.feature_names_: list[str] = s["feature_names_"]
        self.dtype = s["dtype"]
        self.separator: str = s["separator"]

    def transform(self, rows: Iterable[Mapping[str, Any]]) -> np.ndarray:
        """`DictVectorizer.transform` (dense): numbers (None as NaN) at their name, a
        string as `name<sep>value` = 1, each string of a list likewise; unknown names
        are dropped."""
        rows = list(rows)
        vocab, sep = self.vocabulary_, self.separator
        x = np.zeros((len(rows), len(vocab)), dtype=self.dtype)
        for i, row in enumerate(rows):
            for name, value in row.items():
                if isinstance(value, str):
                    items = [(f"{name}{sep}{value}", 1)]
                elif isinstance(value, Number) or value is None:
                    items = [(name, value)]
                elif isinstance(value, Mapping):
                    raise TypeError(f"Unsupported value type {type(value)} for {name}: "
                                    f"{value}.\nMapping objects are not supported.")
                elif isinstance(value, Iterable):
                    items = []
                    for v in value:
                        if not isinstance(v, str):
                            raise TypeError(f"Unsupported type {type(v)} in iterable value. "
                                            "Only iterables of string are supported.")
                        items.append((f"{name}{sep}{v}", 1))
                else:
                    raise TypeError(f"Unsupported value Type {type(value)} for {name}: "
                                    f"{value}.\n{type(value)} objects are not supported.")
                for key, v in items:
                    j = vocab.get(key)
                    if j is not None:
                        x[i, j] += self.dtype(v)
        return x


def _part(module: str, name: str, base: type = Part) -> type:
    return type(name, (base,), {"SKLEARN": (module, name), "__module__": __name__,
                                "__qualname__": name})


_PARTS = [
    _part("sklearn.ensemble._hist_gradient_boosting.predictor", "TreePredictor",
          TreePredictorNodes),
    _part("sklearn.ensemble._hist_gradient_boosting.binning", "_BinMapper"),
    _part("sklearn._loss.loss", "HalfBinomialLoss"),
    _part("sklearn._loss._loss", "CyHalfBinomialLoss"),
    _part("sklearn._loss.link", "LogitLink"),
    _part("sklearn._loss.link", "Interval"),
    _part("sklearn.preprocessing._label", "LabelEncoder"),
    _part("sklearn.tree._classes", "DecisionTreeRegressor"),
    _part("sklearn.tree._tree", "Tree", TreeNodes),
]

# The random generators fitting kept (a tree ensemble's feature subsampling state): never
# used to predict, and rebuilding them imports numpy.random (~10 ms of a one-file run).
_RANDOM_STATE = [
    _part("numpy.random._pickle", name) for name in (
        "__randomstate_ctor", "__generator_ctor", "__bit_generator_ctor")] + [
    _part(module, name) for module, name in (
        ("numpy.random._mt19937", "MT19937"), ("numpy.random._pcg64", "PCG64"),
        ("numpy.random.bit_generator", "SeedSequence"),
        ("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence"))]

# (module, class) as scikit-learn pickles them -> the stand-in unpickled in their place
STAND_INS: dict[tuple[str, str], type] = {
    cls.SKLEARN: cls
    for cls in [HistGradientBoosting, GradientBoosting, Dummy, DictVectorizerMap, *_PARTS,
                *_RANDOM_STATE]}
