"""A fitted isotonic calibrator as two arrays, evaluated with NumPy alone.

Why: scikit-learn's `IsotonicRegression` rebuilds a `scipy.interpolate.interp1d` when it is
unpickled, and importing `scipy.interpolate` (with `scipy.optimize` and `scipy.special`)
was about a quarter of a one-file `backoffice process`. At run time a calibrator only maps
scores through its fitted step points, so `modelfile` stores and loads it as an
`IsotonicMap`: the same points, the same clipping and the same interpolation as
`interp1d(kind="linear")` (`numpy.interp` for float64 points, as SciPy itself delegates;
its own formula otherwise), so its outputs equal `IsotonicRegression.predict` bit for bit
(`tests/test_modelfile.py` checks many points on every shipped calibrator).

A bundle pickled with an `IsotonicRegression` in it (written before this module, or by
training code that still holds one) unpickles into an `IsotonicMap` too: `__setstate__`
takes either state.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# out_of_bounds modes of IsotonicRegression: clip to the fitted range, NaN outside it, or
# refuse a score outside it.
CLIP, NAN, RAISE = "clip", "nan", "raise"
OUT_OF_BOUNDS = (CLIP, NAN, RAISE)
# x and y dtypes for which scipy's linear interp1d hands the work to numpy.interp
_NP_INTERP = (np.dtype(np.float64), np.dtype(int))


class CalibratorInputError(ValueError):
    """A score the calibrator cannot map: not finite, not one column, or outside the fitted
    range of a calibrator fitted with out_of_bounds="raise"."""


class IsotonicMap:
    """`predict`/`transform` of a fitted `IsotonicRegression`, from its step points."""

    def __init__(self, x: np.ndarray, y: np.ndarray, x_min: float, x_max: float,
                 out_of_bounds: str = CLIP) -> None:
        if out_of_bounds not in OUT_OF_BOUNDS:
            raise ValueError(f"out_of_bounds must be one of {OUT_OF_BOUNDS}, not "
                             f"{out_of_bounds!r}")
        self.x = np.asarray(x)
        self.y = np.asarray(y)
        if self.x.ndim != 1 or self.x.shape != self.y.shape or len(self.x) == 0:
            raise ValueError("an isotonic map needs two 1-D arrays of the same non-zero length")
        self.x_min, self.x_max = x_min, x_max
        self.out_of_bounds = out_of_bounds

    @classmethod
    def from_sklearn(cls, iso: Any) -> IsotonicMap:
        """The map of a fitted sklearn `IsotonicRegression` (or of its pickled state)."""
        state = iso if isinstance(iso, dict) else iso.__getstate__()
        return cls(state["X_thresholds_"], state["y_thresholds_"], state["X_min_"],
                   state["X_max_"], state.get("out_of_bounds", NAN))

    # ------------------------------------------------------------------ pickling
    def __getstate__(self) -> dict[str, Any]:
        return {"x": self.x, "y": self.y, "x_min": self.x_min, "x_max": self.x_max,
                "out_of_bounds": self.out_of_bounds}

    def __setstate__(self, state: dict[str, Any]) -> None:
        if "X_thresholds_" in state:  # an IsotonicRegression's state (the older form)
            state = IsotonicMap.from_sklearn(state).__getstate__()
        self.__init__(state["x"], state["y"], state["x_min"], state["x_max"],  # type: ignore[misc]
                      state["out_of_bounds"])

    # ------------------------------------------------------------------ prediction
    def predict(self, scores: Any) -> np.ndarray:
        """The calibrated value of each score (1-D, or one column), as
        `IsotonicRegression.predict` gives it."""
        t = np.asarray(scores, dtype=self.x.dtype)
        if t.ndim == 2 and t.shape[1] == 1:
            t = t.reshape(-1)
        if t.ndim > 1:
            raise CalibratorInputError(f"an isotonic map takes one column of scores, not "
                                       f"shape {t.shape}")
        t = t.reshape(-1)
        if not np.isfinite(t).all():
            raise CalibratorInputError("scores to calibrate must be finite")
        if self.out_of_bounds == CLIP:
            t = np.clip(t, self.x_min, self.x_max)
        return self._interpolate(t).astype(t.dtype)

    transform = predict

    def _interpolate(self, t: np.ndarray) -> np.ndarray:
        x, y = self.x, self.y
        if len(y) == 1:  # one step: a constant (IsotonicRegression does the same)
            return y.repeat(t.shape)
        if x.dtype in _NP_INTERP and y.dtype in _NP_INTERP:
            out = np.interp(t, x, y)  # what interp1d(kind="linear") delegates to here
        else:  # interp1d(kind="linear")._call_linear, operation for operation
            yf = y.astype(np.float64)
            hi = np.searchsorted(x, t).clip(1, len(x) - 1).astype(int)
            lo = hi - 1
            slope = (yf[hi] - yf[lo]) / (x[hi] - x[lo])
            out = slope * (t - x[lo]) + yf[lo]
        if self.out_of_bounds != CLIP:
            below, above = t < x[0], t > x[-1]
            if self.out_of_bounds == RAISE and (below.any() or above.any()):
                raise CalibratorInputError(
                    f"a score outside the calibrator's fitted range [{x[0]}, {x[-1]}]")
            out[below | above] = np.nan
        return out
