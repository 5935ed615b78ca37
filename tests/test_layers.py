"""Dependencies point one way (DESIGN.md, "Architecture"): reports -> mentoring ->
incubator -> training -> blkk_portal. No module imports an app above its own, not
even inside a function; blkk_portal's urls and demo data are the wiring."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("blkk_portal", "training", "incubator", "mentoring", "reports")
WIRING = {
    "blkk_portal/urls.py",
    "blkk_portal/api/urls.py",
    "blkk_portal/management/commands/seed_demo.py",
}
# Upward imports older than this check, inside functions, left to the scoping work
# (a user's scope reads mentors and assignments; a trainee's mentor reach reads
# ventures). The list may only shrink: anything new fails.
KNOWN_UPWARD = {
    "blkk_portal/accounts/management/commands/create_portal_user.py": {"training"},
    "blkk_portal/accounts/scope.py": {"mentoring", "training"},
    "blkk_portal/accounts/services.py": {"mentoring", "training"},
    "blkk_portal/api/schema.py": {"training"},
    "training/managers.py": {"incubator"},
}


def imported_packages(path: Path) -> set[str]:
    packages = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            packages.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            packages.add(node.module.split(".")[0])
    return packages


def modules_of(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", LAYERS)
def test_no_module_imports_an_app_above_its_own(package):
    above = set(LAYERS[LAYERS.index(package) + 1 :])
    upward = {}
    for path in modules_of(package):
        module = str(path.relative_to(ROOT))
        names = imported_packages(path) & above
        names -= KNOWN_UPWARD.get(module, set())
        if names and module not in WIRING:
            upward[module] = sorted(names)
    assert upward == {}


def test_nothing_below_reports_imports_it():
    importers = [
        str(path.relative_to(ROOT))
        for package in LAYERS[:-1]
        for path in modules_of(package)
        if "reports" in imported_packages(path)
    ]
    assert sorted(importers) == ["blkk_portal/api/urls.py", "blkk_portal/urls.py"]
