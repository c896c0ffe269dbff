"""The compiled-catalog cache: each ``.po`` file is checked and compiled once per content.

Checking a catalog (``catalogs.catalog_problems``: syntax, completeness, figures, markup) and
compiling it (``catalogs.compile_catalog``) depend on its bytes alone, and take a good part of
an edition's start. So the results are kept by the file's SHA-256:

* in this process, so that builders run one after the other in one process (a test session, the
  live preview) do each file once;
* in the doctree folder (``KEPT``, written whole or not at all), so that the release build's ePub
  and PDF builders, which run in processes of their own on the HTML builder's doctrees, take the
  HTML builder's results instead of doing them again.

A kept result counts only for the same file content, the same MyST configuration and the same
code of the checks (``catalogs.py``, ``figures.py``, ``markup.py``): a stricter check added since
is never answered by an earlier run's results.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from pathlib import Path
from typing import Any

from .catalogs import Problem, catalog_problems, compile_catalog
from .files import write_atomically

#: In the doctree folder: what ``compile_once`` and ``check_once`` found.
KEPT = "catalog-checks.pickle"

#: The checks' own code, part of every key of ``check_once``.
_CHECKS = hashlib.sha256(
    b"".join(
        (Path(__file__).parent / name).read_bytes()
        for name in ("catalogs.py", "figures.py", "markup.py")
    )
).hexdigest()

_compiled: dict[tuple[str, str, str, str], list[Problem]] = {}
_checked: dict[tuple[str, str, str], list[Problem]] = {}
#: For each doctree folder: how many records this process had when it last read or wrote it.
_synced: dict[str, tuple[int, int]] = {}


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _counts() -> tuple[int, int]:
    return len(_compiled), len(_checked)


def compile_once(po: Path, target: Path, language: str) -> list[Problem]:
    """``catalogs.compile_catalog``, done once per content of ``po`` while ``target`` is there."""
    digest = _digest(po)
    key = (str(po), digest or "", str(target), language)
    known = _compiled.get(key) if digest else None
    if known is not None and (known or target.is_file()):
        if known:
            target.unlink(missing_ok=True)  # a catalog that does not compile leaves none
        return list(known)
    _compiled[key] = list(compile_catalog(po, target, language))
    return list(_compiled[key])


def check_once(po: Path, md: Any, myst_config: Any) -> list[Problem]:
    """``catalogs.catalog_problems``, done once per content of ``po``, MyST configuration and
    version of the checks."""
    digest = _digest(po)
    if digest is None:
        return catalog_problems(po, md)
    key = (str(po), digest, stable_repr(myst_config) + _CHECKS)
    if key not in _checked:
        _checked[key] = list(catalog_problems(po, md))
    return list(_checked[key])


def stable_repr(value: Any) -> str:
    """``repr`` with the members of every set in order: a set of strings is listed in another
    order by each process (hash randomisation), and the key must hold across processes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: stable_repr(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return f"{type(value).__name__}({fields})"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(stable_repr(v) for v in value)) + "}"
    if isinstance(value, dict):
        return repr(sorted((stable_repr(k), stable_repr(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return repr([stable_repr(v) for v in value])
    return repr(value)


def recall(folder: Path) -> None:
    """Add what a builder kept in ``folder`` to this process's records."""
    try:
        kept = pickle.loads((folder / KEPT).read_bytes())
        compiled, checked = kept["compiled"], kept["checked"]
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, KeyError):
        return  # none kept, or by another version of this module: done again
    _compiled.update(compiled)
    _checked.update(checked)
    _synced[str(folder)] = _counts()


def keep(folder: Path) -> None:
    """Write this process's records into ``folder``, when it lacks some of them."""
    if _synced.get(str(folder)) == _counts() and (folder / KEPT).is_file():
        return
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / KEPT, pickle.dumps({"compiled": _compiled, "checked": _checked}))
    _synced[str(folder)] = _counts()
