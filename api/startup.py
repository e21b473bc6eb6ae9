"""Start-up cost of a `backoffice` process: modules that libraries import but no command's
common path uses load on first use instead.

scikit-learn imports `scipy.stats` at import time (`sklearn.utils.fixes`, `sklearn.metrics`,
`sklearn.isotonic`...) only to call it inside functions the runtime never reaches; loading it
was about a third of a one-file `backoffice process` (0.6-0.7 CPU-s of 2-3 on the loaded
2-core machine). `defer_modules()` puts a finder first on `sys.meta_path`: importing a module
in `DEFERRED` then gives a stand-in at once, and the first attribute anyone reads that the
stand-in does not have loads the real module, which replaces the stand-in in sys.modules and
in its parent package. Submodules import under the stand-in as usual (it has the real
`__path__`), so nothing else changes.

The same module ends a command without tearing the interpreter down (`quick_exit`).
"""

from __future__ import annotations

import atexit
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any, NoReturn

# Modules imported by libraries at start-up that no command's common path uses, each with
# the names that libraries take from it at import time (`from scipy.stats import rankdata`
# in sklearn.metrics, `gmean` in sklearn._loss, `spearmanr` in sklearn.isotonic, the `chi2`
# distribution in sklearn.covariance, `BSpline` in sklearn.preprocessing): those get a
# DeferredName that loads the module when first called or read.
DEFERRED: dict[str, tuple[str, ...]] = {
    "scipy.stats": ("rankdata", "gmean", "spearmanr", "chi2"),
    "scipy.interpolate": ("BSpline",),
    # sklearn.metrics.cluster (`linear_sum_assignment`), sklearn.calibration, the linear
    # models' solvers: fitting only
    "scipy.optimize": ("linear_sum_assignment", "linprog", "minimize", "minimize_scalar"),
    "scipy.integrate": ("trapezoid",),  # sklearn.metrics' auc
    "numpy.f2py": (),  # scipy's array-API layer imports it; only Fortran builds use it
}

# Module attributes the import system reads (getattr with a default) while it sets a module up.
_IMPORT_ATTRS = frozenset(("__loader__", "__package__", "__path__", "__file__", "__cached__",
                           "__spec__"))
_lock = threading.RLock()
_loading: set[str] = set()  # names being imported for real: the finder steps aside


class DeferredModule(ModuleType):
    """A module object that becomes the real module on first attribute access."""

    def __init__(self, name: str, names: tuple[str, ...]) -> None:
        super().__init__(name)
        self.__dict__["_deferred_real"] = None
        self.__dict__["_deferred_names"] = names

    def _deferred_load(self) -> ModuleType:
        with _lock:
            real = self.__dict__["_deferred_real"]
            if real is None:
                name = self.__name__
                if sys.modules.get(name) is self:
                    del sys.modules[name]
                _loading.add(name)
                try:
                    real = importlib.import_module(name)
                finally:
                    _loading.discard(name)
                self.__dict__["_deferred_real"] = real
                parent, _, child = name.rpartition(".")
                if parent and parent in sys.modules:
                    setattr(sys.modules[parent], child, real)
            return real

    def __getattr__(self, attr: str) -> Any:  # only for names the stand-in does not have
        if attr in _IMPORT_ATTRS:  # the import system asks before it sets them
            raise AttributeError(attr)
        if self.__dict__["_deferred_real"] is None and attr in self._deferred_names:
            value = DeferredName(self, attr)
            self.__dict__[attr] = value
            return value
        return getattr(self._deferred_load(), attr)

    def __dir__(self) -> list[str]:
        return dir(self._deferred_load())


class DeferredName:
    """A function or object taken from a deferred module: calling it, or reading any of its
    attributes (`chi2.ppf`), loads the module and forwards to the real one."""

    def __init__(self, module: DeferredModule, name: str) -> None:
        self._module, self._name = module, name

    def _real(self) -> Any:
        return getattr(self._module._deferred_load(), self._name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._real()(*args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._real(), attr)

    def __repr__(self) -> str:
        return f"<deferred {self._module.__name__}.{self._name}>"


class _StandInLoader(importlib.abc.Loader):
    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return DeferredModule(spec.name, self.names)

    def exec_module(self, module: ModuleType) -> None:
        pass  # nothing runs until an attribute is read


class _DeferringFinder(importlib.abc.MetaPathFinder):
    def __init__(self, modules: dict[str, tuple[str, ...]]) -> None:
        self.modules = modules

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.modules or fullname in _loading:
            return None
        real = importlib.machinery.PathFinder.find_spec(fullname, path)
        if real is None:
            return None
        spec = importlib.machinery.ModuleSpec(
            fullname, _StandInLoader(self.modules[fullname]), origin=real.origin,
            is_package=real.submodule_search_locations is not None)
        if real.submodule_search_locations is not None:
            spec.submodule_search_locations = list(real.submodule_search_locations)
        return spec


def defer_modules(modules: dict[str, tuple[str, ...]] | None = None) -> None:
    """Import the modules in `modules` (default `DEFERRED`) as stand-ins from now on; a module
    imported already stays as it is. Safe to call more than once."""
    if any(isinstance(f, _DeferringFinder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _DeferringFinder(DEFERRED if modules is None else modules))


# ---------------------------------------------------------------------- exit
# A one-file `backoffice process` of a small text spent about 0.5-0.6 of its 2.2-2.3 CPU-s
# (shared 2-core machine, `perf stat -r 5`) tearing the interpreter down: freeing every
# module and model object one at a time, collecting garbage on the way out.
def quick_exit(code: int) -> NoReturn:
    """End the process with `code` without tearing the interpreter down: standard streams
    flushed and the `atexit` handlers run (logging, multiprocessing's children, temporary
    folders' finalizers), as at a normal exit; then `os._exit`, which skips freeing every
    object one at a time. Falls back to `sys.exit` while another non-daemon thread runs (a
    normal exit would wait for it)."""
    main = threading.main_thread()
    if any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate()):
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed, or a broken pipe: nothing left to write
            pass
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):  # what the handlers wrote (logging.shutdown)
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
