"""vericlaim: check claims against your own documents, locally.

    from vericlaim import Vericlaim
    vc = Vericlaim.open()
    vc.check("Northwind spent over $500M on compute")

`Vericlaim` is `service.python_api.Vericlaim` (imported when first used, so that the `vericlaim` command starts
without loading the models' libraries); the command itself is `vericlaim.cli`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.python_api import Vericlaim

__all__ = ["Vericlaim"]


def __getattr__(name: str) -> Any:
    if name == "Vericlaim":
        from service.python_api import Vericlaim

        return Vericlaim
    raise AttributeError(f"module 'vericlaim' has no attribute {name!r}")
