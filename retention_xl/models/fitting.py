"""Maximum likelihood for the models: a result object, never an exception on non-convergence.

One idea: :func:`maximize` finds the parameters that maximise a log-likelihood, working on
the logarithms of the (positive) parameters within bounds, from several start values, with
an analytic gradient (L-BFGS-B) and a derivative-free fallback (Nelder-Mead); it returns a
:class:`FitResult` holding the parameters, the log-likelihood, a convergence flag and a
message — as statsmodels' ``GenericLikelihoodModel.fit`` does — and never raises because an
optimiser stopped early. Imports numpy, scipy.optimize and :mod:`retention_xl.texts`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..texts import text

__all__ = ["LOG_BOUNDS", "FitResult", "maximize"]

#: Bounds of every parameter, on the log scale: 1e-8 … 1e8.
LOG_BOUNDS = (float(np.log(1e-8)), float(np.log(1e8)))

#: ``f(log_params) -> (log-likelihood, gradient with respect to log_params)``
Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


@dataclass(frozen=True)
class FitResult:
    """A fitted model: parameters by name, log-likelihood and diagnostics.

    ``converged`` is False when the optimiser stopped without meeting its tolerance or a
    parameter ended on its bound (1e-8 or 1e8: the data do not identify it); ``message``
    then says which. The parameters are the best found either way.

    Examples
    --------
    >>> fit = FitResult("sBG", {"alpha": 0.7, "beta": 1.2}, -1680.3, True, "converged", 12, 8)
    >>> fit["alpha"], fit.rows()[2]
    (0.7, ['log_likelihood', -1680.3])
    """

    model: str
    params: dict[str, float]
    log_likelihood: float
    converged: bool
    message: str
    iterations: int
    observations: int
    details: dict[str, float] = field(default_factory=dict)

    def __getitem__(self, name: str) -> float:
        return self.params[name]

    def rows(self, lang: str = "en") -> list[list[Any]]:
        """The labelled two-column table an Excel function spills: parameters, the
        log-likelihood and the convergence flag."""
        out: list[list[Any]] = [[name, value] for name, value in self.params.items()]
        out.append([text("fit.log_likelihood", lang), self.log_likelihood])
        out.append([text("fit.converged", lang), self.converged])
        return out


def _safe(objective: Objective) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Negate for minimisation; a non-finite value becomes a huge one (never an error)."""

    def negative(theta: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(all="ignore"):
            value, gradient = objective(theta)
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            return 1e300, np.zeros_like(theta)
        return -float(value), -np.asarray(gradient, dtype="float64")

    return negative


def _at_bound(theta: np.ndarray) -> list[bool]:
    return [
        bool(min(abs(value - LOG_BOUNDS[0]), abs(value - LOG_BOUNDS[1])) < 1e-6) for value in theta
    ]


def maximize(
    model: str,
    names: Sequence[str],
    objective: Objective,
    starts: Sequence[Sequence[float]],
    observations: int,
    *,
    tolerance: float = 1e-10,
) -> FitResult:
    """Maximise ``objective`` over log parameters from each of ``starts`` (natural scale).

    L-BFGS-B with the analytic gradient runs from each start in turn until one converges
    inside the bounds; the best end point is polished by a second L-BFGS-B run. When no
    run reports success, Nelder-Mead continues from the best point. The result is the best
    point found, with ``converged`` and a ``message``.
    """
    from scipy.optimize import minimize

    negative = _safe(objective)
    bounds = [LOG_BOUNDS] * len(names)
    best: Any = None
    iterations = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for start in starts:
            theta0 = np.clip(np.log(np.asarray(start, dtype="float64")), *LOG_BOUNDS)
            run = minimize(
                negative,
                theta0,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options={"maxiter": 2000, "ftol": tolerance, "gtol": 1e-8},
            )
            iterations += int(run.nit)
            if np.isfinite(run.fun) and (best is None or run.fun < best.fun):
                best = run
            if run.success and run.fun < 1e300 and not any(_at_bound(run.x)):
                break  # later starts are for data where this one fails
        assert best is not None
        polish = minimize(
            negative,
            best.x,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 2000, "ftol": tolerance * 1e-2, "gtol": 1e-9},
        )
        iterations += int(polish.nit)
        if polish.fun <= best.fun:  # the tighter tolerance may end in a failed line search
            polish.success = bool(polish.success or best.success)
            best = polish
        method = "L-BFGS-B"
        if not best.success or best.fun >= 1e300:
            fallback = minimize(
                lambda t: negative(t)[0],
                best.x,
                method="Nelder-Mead",
                bounds=bounds,
                options={"maxiter": 4000, "xatol": 1e-10, "fatol": 1e-10},
            )
            iterations += int(fallback.nit)
            if fallback.fun <= best.fun:
                best, method = fallback, "Nelder-Mead"
    theta = np.asarray(best.x, dtype="float64")
    params = {name: float(np.exp(value)) for name, value in zip(names, theta, strict=True)}
    at_bound = [name for name, hit in zip(names, _at_bound(theta), strict=True) if hit]
    finite = bool(np.isfinite(best.fun) and best.fun < 1e300)
    converged = bool(best.success) and finite and not at_bound
    if not finite:
        message = "no parameters give a finite likelihood; check the data"
    elif at_bound:
        message = (
            f"{' and '.join(at_bound)} ended on a bound (1e-8 or 1e8): the data do not "
            f"identify {'it' if len(at_bound) == 1 else 'them'}; treat the fit with care"
        )
    elif not best.success:
        message = f"{method} stopped before converging: {best.message}"
    else:
        message = f"converged ({method})"
    return FitResult(
        model,
        params,
        -float(best.fun) if finite else float("nan"),
        converged,
        message,
        iterations,
        observations,
    )
