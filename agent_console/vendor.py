"""The front-end packages the console serves under /vendor: those package.json lists as
``dependencies``, each at ``/vendor/<package>``.

Its ``devDependencies`` are installed by the same ``npm ci`` for the tests only (axe-core,
the accessibility checker the browser tests inject) and are never served: a file the
pages do not need is not one a stranger can fetch.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

ROOT = Path(__file__).parent.parent
PREFIX = "/vendor"


def served_packages(manifest: Path) -> list[str]:
    """The package names the pages load, as package.json lists them."""
    return sorted(json.loads(manifest.read_text(encoding="utf-8")).get("dependencies", {}))


def mount(app: FastAPI, root: Path = ROOT) -> None:
    """Serve each installed dependency's folder; nothing when `make` has not run npm."""
    node_modules = root / "node_modules"
    if not node_modules.is_dir():
        return
    for name in served_packages(root / "package.json"):
        folder = node_modules / name
        if folder.is_dir():
            app.mount(f"{PREFIX}/{name}", StaticFiles(directory=folder), name=f"vendor:{name}")
