"""Features and prediction for the doc-type and subtype classifiers; the model is fitted by
`training/classifier.py` (outside the runtime), which the design notes below also cover.

Design, and why:
- Text is cut to its first characters (`WORD_CHARS` for words, `CHAR_CHARS` for character
  n-grams): titles, headers and recitals decide the type, and the cut bounds time and memory
  so that 10k reviewed documents retrain in under a minute.
- A third block hashes the words of the first `TITLE_CHARS` characters (title, parties)
  again, weighted `TITLE_WEIGHT`: the title names a contract's subtype better than its body.
- Word 1-2-grams and `char_wb` 3-5-grams are *hashed* (no vocabulary to store or grow),
  weighted by sublinear tf x idf, plus a few layout/keyword features (page count, digit
  share, money patterns, line-length stats, "total"/"agreement"/"whereas", SSN-like...).
  Digits are folded to 0 so that dates and amounts generalise; form numbers (I-9, W-4)
  first get a digit-free token of their own, since they identify a document.
- chi2 keeps the most useful `K_BEST` hashed columns per model so the shipped files stay
  small; a multinomial LogisticRegression sits on top.
- Calibration is our own held-out temperature scaling: the temperature is fitted on a
  *separately seeded, deliberately harder* generated set (cropped, noisier) plus a share of
  reviewer feedback, because a model is always more sure of its own training distribution
  than of real scans.
- Reproducible: single-threaded BLAS, seeded generation, no wall-clock data in the saved
  bundle; `MODEL_VERSION` is `<generator version>-<hash of config and learned numbers>`.
- Memory (10k reviewed documents < 500 MB): chunked features drained into one allocation,
  chi2 and column selection in row blocks, large freed blocks returned to the OS.
- Explanations reverse the hashing for the document at hand (hash its own tokens), so a
  reason reads `word:invoice +2.31` without storing any vocabulary.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from classifiers.boilerplate import strip_boilerplate
from classifiers.hashing import CHAR_WB, WORD, HashedNgrams
from modelfile import load_checked

if TYPE_CHECKING:  # SciPy is imported where a batch is vectorised (training, evaluation)
    import scipy.sparse as sp

WORD_CHARS = 3000
CHAR_CHARS = 1000
CHAR_NGRAMS = (3, 5)
N_HASH = 2**18
TITLE_CHARS = 400  # the head of a document (title, parties) as its own word block
N_TITLE = 2**16
TITLE_WEIGHT = 1.5  # the title block's l2 norm: titles name the subtype more than bodies do
N_TEXT = 2 * N_HASH + N_TITLE  # word | char | title columns; the layout block follows

_DIGITS = re.compile(r"\d")
_MONEY = re.compile(r"\d[\d,.' ]*[.,]\d{2}\b")
_SSN = re.compile(r"\b(\d{3}|[xX*]{3})-(\d{2}|[xX*]{2})-\d{4}\b")
_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_KEYWORDS = {
    # The summing line of a bill in the languages the generators write: "Total", "Net Amount",
    # "Amount Due", "Summe", "Gesamtbetrag", "Net à payer", "Montant TTC".
    "kw:total": re.compile(r"\btotal\b|\b(net|gross|balance)\s+(amount|due)\b|\bamount\s+due\b"
                           r"|\bsumme\b|\bgesamtbetrag\b|\bnet\s+[àa]\s+payer\b|\bmontant\b",
                           re.I),
    "kw:agreement": re.compile(r"\bagreement\b", re.I),
    "kw:whereas": re.compile(r"\bwhereas\b", re.I),
    "kw:hereby": re.compile(r"\bhereby\b|\bhereto\b|\bhereunder\b", re.I),
    "kw:tax": re.compile(r"\b(gst|sst|vat|tva|mwst|iva)\b", re.I),
    "kw:resume": re.compile(r"\b(experience|education|skills)\b", re.I),
    "kw:employee": re.compile(r"\bemployee\b|\bemployment\b", re.I),
    "kw:signature": re.compile(r"signature|/s/|in witness whereof", re.I),
    "kw:section": re.compile(r"\b(section|article)\s+\d", re.I),
    "kw:dear": re.compile(r"\bdear\b", re.I),
}
LAYOUT_NAMES = (
    ["layout:pages", "layout:chars", "layout:lines", "layout:digit_share", "layout:upper_share",
     "layout:money_count", "layout:mean_line", "layout:std_line", "layout:short_lines",
     "layout:ssn_like", "layout:date_count", "layout:email"] + list(_KEYWORDS))


# Form numbers ("Form I-9", "W-4", "W-2", "DS-11") name a document, but digit folding makes
# W-4 and W-2 one token and "I-9" no word token at all (single letters are dropped). Each
# such number also gets a digit-free token: I-9 -> "formno_ij" (digits spelled a-j).
_FORM_NO = re.compile(r"\b([a-z]{1,3})-(\d{1,2})\b")
_DIGIT_LETTERS = str.maketrans("0123456789", "abcdefghij")


def _form_token(m: re.Match) -> str:
    return f"{m.group(0)} formno_{m.group(1)}{m.group(2).translate(_DIGIT_LETTERS)}"


def _prep(text: str) -> str:
    return _DIGITS.sub("0", _FORM_NO.sub(_form_token, text.lower()))


def _layout(text: str, n_pages: int) -> list[float]:
    head = text[:WORD_CHARS]
    lines = [ln.strip() for ln in head.splitlines() if ln.strip()]
    lens = np.array([len(ln) for ln in lines] or [0], dtype=float)
    letters = sum(c.isalpha() for c in head) or 1
    n = len(head) or 1
    feats = [
        math.log1p(n_pages), math.log1p(len(text)), math.log1p(len(lines)),
        sum(c.isdigit() for c in head) / n, sum(c.isupper() for c in head) / letters,
        math.log1p(len(_MONEY.findall(head))), min(lens.mean() / 100, 2.0),
        min(lens.std() / 100, 2.0),
        float((lens < 30).mean()), float(bool(_SSN.search(head))),
        math.log1p(len(_DATE.findall(head))), float(bool(_EMAIL.search(head))),
    ]
    feats += [float(bool(rx.search(head))) for rx in _KEYWORDS.values()]
    return feats


@dataclass(frozen=True)
class Row:
    """One text's finished feature row: ascending column indices (int32) and their values
    (float32), as the row of the CSR matrix `Featurizer.transform` gives."""

    indices: np.ndarray
    data: np.ndarray


@dataclass
class Featurizer:
    """Hashed word + char tf-idf blocks and a standardised layout block."""

    idf_word: np.ndarray | None = None
    idf_char: np.ndarray | None = None
    idf_title: np.ndarray | None = None
    layout_mean: np.ndarray | None = None
    layout_std: np.ndarray | None = None
    layout_weight: float = 0.25

    def __post_init__(self):
        # scikit-learn's HashingVectorizer(norm=None, alternate_sign=False) columns and
        # counts, without importing scikit-learn (`classifiers.hashing`)
        self._word = HashedNgrams(WORD, (1, 2), N_HASH, _prep)
        self._char = HashedNgrams(CHAR_WB, CHAR_NGRAMS, N_HASH, _prep)
        self._title = HashedNgrams(WORD, (1, 2), N_TITLE, _prep)

    def __getstate__(self):
        return {k: getattr(self, k) for k in
                ("idf_word", "idf_char", "idf_title", "layout_mean", "layout_std",
                 "layout_weight")}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__post_init__()

    def _blocks(self) -> tuple[tuple[int, HashedNgrams, int], ...]:
        """(first column, hasher, characters read) of each hashed text block, in column
        order: words, character n-grams, the title's words."""
        return ((0, self._word, WORD_CHARS), (N_HASH, self._char, CHAR_CHARS),
                (2 * N_HASH, self._title, TITLE_CHARS))

    def _raw(self, texts: list[str], pages: list[int]):
        """Hashed counts (sublinear tf) of both text blocks, and the raw layout block.
        A viewer's placeholder (`boilerplate`) is removed first: it names no type."""
        import scipy.sparse as sp

        texts = [strip_boilerplate(t) for t in texts]
        m = sp.hstack([hasher.transform([t[:limit] for t in texts])
                       for _, hasher, limit in self._blocks()], format="csr", dtype=np.float32)
        m.sum_duplicates()
        np.log1p(m.data, out=m.data)
        lay = np.array([_layout(t, p) for t, p in zip(texts, pages, strict=True)], np.float32)
        return m, lay

    def _chunks(self, texts: list[str], pages: list[int], size: int = 500):
        for i in range(0, len(texts), size):
            yield self._raw(texts[i:i + size], pages[i:i + size])

    def fit_transform(self, texts: list[str], pages: list[int]) -> sp.csr_matrix:
        """Fit idf and layout scaling, return the finished matrix.

        Memory is the constraint (10k reviewed documents in < 500 MB): the raw chunks are
        finished one at a time and copied into arrays allocated once for the whole matrix
        (untouched pages of `np.empty` cost no RSS), and each raw chunk is freed as soon as
        it is copied, so the matrix exists about once instead of three times (chunks, finished
        chunks, `vstack`)."""
        chunks = list(self._chunks(texts, pages))
        n = len(texts)
        df = np.zeros(N_TEXT, np.float64)
        for m, _ in chunks:
            df += np.bincount(m.indices, minlength=N_TEXT)
        idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        del df
        self.idf_word, self.idf_char = idf[:N_HASH], idf[N_HASH:2 * N_HASH]
        self.idf_title = idf[2 * N_HASH:]
        lay = np.vstack([x for _, x in chunks])
        self.layout_mean = lay.mean(0)
        self.layout_std = lay.std(0) + 1e-3
        del lay
        return self._assemble(chunks, n)

    def transform(self, texts: list[str], pages: list[int]) -> sp.csr_matrix:
        return self._assemble(self._chunks(texts, pages), len(texts))

    def _assemble(self, chunks, n_rows: int) -> sp.csr_matrix:
        """Finish raw chunks into one CSR matrix. A list is drained (each raw chunk freed
        once copied) into arrays sized for it up front; a generator is simply stacked."""
        import scipy.sparse as sp

        if not isinstance(chunks, list):
            parts = [self._finish(m, lay) for m, lay in chunks]
            return parts[0] if len(parts) == 1 else sp.vstack(parts, format="csr",
                                                              dtype=np.float32)
        cap = sum(m.nnz for m, _ in chunks) + n_rows * len(LAYOUT_NAMES)
        data, indices = np.empty(cap, np.float32), np.empty(cap, np.int32)
        indptr = np.zeros(n_rows + 1, np.int32 if cap < 2**31 else np.int64)
        chunks.reverse()
        row = pos = 0
        while chunks:
            m, lay = chunks.pop()
            f = self._finish(m, lay)
            del m
            data[pos:pos + f.nnz] = f.data
            indices[pos:pos + f.nnz] = f.indices
            indptr[row + 1:row + 1 + f.shape[0]] = f.indptr[1:] + pos
            row += f.shape[0]
            pos += f.nnz
        n_cols = N_TEXT + len(LAYOUT_NAMES)
        return sp.csr_matrix((data[:pos], indices[:pos], indptr), shape=(n_rows, n_cols),
                             copy=False)

    def _finish(self, m: sp.csr_matrix, lay: np.ndarray) -> sp.csr_matrix:
        """idf weights and l2 norm per text block (in place), standardised layout block."""
        import scipy.sparse as sp

        rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        self._weigh(m.indices, m.data, rows, m.shape[0])
        return sp.hstack([m, sp.csr_matrix(self._standardise(lay))], format="csr",
                         dtype=np.float32)

    def _weigh(self, indices: np.ndarray, data: np.ndarray, rows: np.ndarray,
               n_rows: int) -> None:
        """`data` (sublinear counts at `indices`, row of each in `rows`) times idf, then
        l2-normalised per row and text block, in place."""
        idf = np.concatenate([self.idf_word, self.idf_char, self.idf_title])
        data *= idf[indices]
        block = (indices >= N_HASH).astype(np.int8) + (indices >= 2 * N_HASH)
        for b in range(3):
            mask = block == b
            sq = np.bincount(rows[mask], weights=data[mask].astype(np.float64) ** 2,
                             minlength=n_rows)
            scale = TITLE_WEIGHT if b == 2 else 1.0
            data[mask] *= (scale / (np.sqrt(sq) + 1e-9))[rows[mask]].astype(np.float32)

    def _standardise(self, lay: np.ndarray) -> np.ndarray:
        """The layout block, standardised, clipped and weighted (float32)."""
        z = np.clip((lay - self.layout_mean) / self.layout_std, -3, 3) * self.layout_weight
        return z.astype(np.float32)

    def row(self, text: str, n_pages: int) -> Row:
        """The finished feature row of one text, without SciPy: the same columns and values
        as row 0 of `transform([text], [n_pages])` (`tests/classifiers/test_hashing.py`)."""
        text = strip_boilerplate(text)
        parts = [(cols + offset, counts) for offset, hasher, limit in self._blocks()
                 for cols, counts in [hasher.counts(text[:limit])]]
        indices = np.concatenate([c for c, _ in parts]).astype(np.int32)
        data = np.concatenate([v for _, v in parts])
        np.log1p(data, out=data)
        self._weigh(indices, data, np.zeros(len(indices), np.intp), 1)
        z = self._standardise(np.array([_layout(text, n_pages)], np.float32))[0]
        present = np.flatnonzero(z)  # a sparse row keeps no zeros
        return Row(np.concatenate([indices, (N_TEXT + present).astype(np.int32)]),
                   np.concatenate([data, z[present]]))

    def names(self, text: str) -> dict[int, str]:
        """Column -> human name for the features present in this one text."""
        out: dict[int, str] = {}
        text = strip_boilerplate(text)
        for (offset, hv, limit), kind in zip(self._blocks(), ("word", "char", "title"),
                                             strict=True):
            tokens = hv.analyze(text[:limit])
            for tok, col in zip(tokens, hv.columns(tokens), strict=True):
                out.setdefault(offset + int(col),
                               f"char:'{tok}'" if kind == "char" else f"{kind}:{tok}")
        for i, name in enumerate(LAYOUT_NAMES):
            out[N_TEXT + i] = name
        return out


@dataclass
class LinearModel:
    """chi2-selected columns -> multinomial logistic regression -> temperature scaling."""

    classes: list[str]
    columns: np.ndarray  # selected column indices (int32)
    coef: np.ndarray  # (n_classes, n_selected) float32
    intercept: np.ndarray
    temperature: float = 1.0

    def logits(self, X: sp.csr_matrix) -> np.ndarray:
        return np.asarray(X[:, self.columns] @ self.coef.T) + self.intercept

    def proba(self, X: sp.csr_matrix) -> np.ndarray:
        return _softmax(self.logits(X) / self.temperature)

    def _selected(self, row: Row) -> tuple[np.ndarray, np.ndarray]:
        """(positions in `columns`, values) of the row's entries in the selected columns,
        in column order (what `X[:, columns]` keeps of the row)."""
        if not bool(np.all(np.diff(self.columns) > 0)):
            raise ClassifierModelError("the model's selected columns are not ascending; "
                                       f"rebuild it ({REBUILD} --shipped)")
        pos = np.searchsorted(self.columns, row.indices)
        hit = pos < len(self.columns)
        hit[hit] = self.columns[pos[hit]] == row.indices[hit]
        return pos[hit], row.data[hit]

    def row_logits(self, row: Row) -> np.ndarray:
        """`logits` of one row given as a `Row` (shape (1, n_classes)), without SciPy: the
        products summed in column order in float32, as SciPy's sparse product sums them,
        so the result is the same to the bit (`tests/classifiers/test_hashing.py`)."""
        pos, values = self._selected(row)
        acc = np.zeros(len(self.classes), dtype=np.result_type(values, self.coef))
        if len(pos):
            acc = np.cumsum(values[:, None] * self.coef[:, pos].T, axis=0)[-1]
        return acc[None, :] + self.intercept

    def row_proba(self, row: Row) -> np.ndarray:
        """`proba` of one row given as a `Row` (shape (1, n_classes))."""
        return _softmax(self.row_logits(row) / self.temperature)

    def explain(self, row: Row, k: int, names: dict[int, str], top: int = 5) -> list[str]:
        """Features of this one row that pushed class k up the most, vs the class average."""
        pos, values = self._selected(row)
        w = self.coef[k] - self.coef.mean(0)
        # v > 0 only: an absent keyword (negative standardised value) is not a reason.
        contrib = [(float(v * w[j]), int(self.columns[j])) for j, v in zip(pos, values,
                                                                             strict=True) if v > 0]
        contrib.sort(reverse=True)
        # Text features first (what a reviewer can see on the page), then layout ones.
        n_text = N_TEXT
        text = [x for x in contrib if x[1] < n_text and x[0] > 0][: top - 2]
        lay = [x for x in contrib if x[1] >= n_text and x[0] > 0][: top - len(text)]
        return [f"{names.get(col, f'feature:{col}')} {c:+.2f}" for c, col in text + lay]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


@dataclass
class Bundle:
    """Everything `classify` needs, saved as one joblib file."""

    version: str
    featurizer: Featurizer
    doctype: LinearModel
    subtypes: dict[str, LinearModel] = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)  # deterministic: part of the saved model
    timings: dict = field(default_factory=dict)  # wall-clock; never saved (reproducibility)



REBUILD = "backoffice train"  # `--shipped` for the one in classifiers/model/


class ClassifierModelError(ValueError):
    """A classifier bundle this code cannot apply (e.g. selected columns out of order)."""


def load_bundle(path: Path) -> Bundle:
    """The bundle at `path`, checked against its manifest `classifier.json` (a damaged or
    swapped file raises ModelFileError; an absent one FileNotFoundError)."""
    return load_checked(path, rebuild=REBUILD)
