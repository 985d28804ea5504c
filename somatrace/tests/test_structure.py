"""The shape of the code, checked from its source: the layers, the one write path, and no
imports hidden inside functions.

Layers, bottom to top: the pure core (any module whose name is not a Django role, see
test_pure_core), then the apps in APP_LAYERS. An app imports only apps at or below its own
layer (apps on the same layer only their pure modules). Doors (views, panels, commands,
tasks) call services to change records; they never write a model themselves.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import somatrace

ROOT = Path(somatrace.__file__).parent

# Bottom to top. An app may import an app at or below its layer; apps on one layer are
# siblings and share only their pure modules.
APP_LAYERS = {
    "core": 0,
    "audit": 1,
    "accounts": 2,
    "mail": 2,
    "alerts": 3,
    "clients": 4,
    "therapy": 5,
    "bodymaps": 6,
    "measures": 6,
    "physio": 6,
    "scheduling": 6,
    "billing": 7,
    "journal": 7,
    "homework": 7,
    "demo": 8,
    "exports": 8,
    "reports": 8,
    "api": 8,
    "transfer": 8,
    "portal": 9,
    "research": 9,
}

# A module whose dotted name has one of these parts belongs to the Django shell; every other
# module is the pure core and must run without Django (see test_pure_core.py).
DJANGO_ROLES = {
    "apps",
    "cli",
    "context_processors",
    "core",  # the project's own Django plumbing: actor, panels, middleware, redaction
    "decorators",
    "demo",
    "forms",
    "management",
    "middleware",
    "migrations",
    "models",
    "panels",
    "queries",
    "services",
    "settings",
    "tasks",
    "templatetags",
    "testing",
    "tests",
    "urls",
    "views",
    "wsgi",
}

# Doors: they check access, parse input, call a service and render. Never a write.
DOOR_PARTS = {"views", "panels", "management", "tasks", "templatetags", "cli"}

# Model and query set methods that write.
WRITES = {
    "save",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
QUERYSET_METHODS = {"filter", "exclude", "all", "select_for_update", "visible_to", "order_by"}


def modules() -> Iterator[tuple[str, Path, ast.Module]]:
    """(dotted name, path, syntax tree) of every module of the project but its migrations."""
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT.parent).with_suffix("")
        parts = list(relative.parts)
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path, ast.parse(path.read_text(), filename=str(path))


def is_pure(name: str) -> bool:
    return not set(name.split(".")) & DJANGO_ROLES


def app_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in APP_LAYERS else None


def _is_module(name: str) -> bool:
    path = ROOT.parent / name.replace(".", "/")
    return path.is_dir() or path.with_suffix(".py").exists()


def _imports_of(node: ast.AST) -> Iterator[str]:
    """The somatrace modules one import statement brings in."""
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        if node.module.split(".")[0] == "somatrace":
            for alias in node.names:
                # `from somatrace.x import y` imports the module somatrace.x.y if there is one.
                candidate = f"{node.module}.{alias.name}"
                yield candidate if _is_module(candidate) else node.module
    elif isinstance(node, ast.Import):
        yield from (a.name for a in node.names if a.name.split(".")[0] == "somatrace")


def imported(tree: ast.AST) -> Iterator[tuple[str, ast.stmt]]:
    """Every somatrace module a tree imports, wherever the import sits."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for target in _imports_of(node):
                yield target, node


def test_no_app_imports_one_above_it_or_a_siblings_django_side() -> None:
    wrong = []
    for name, _, tree in modules():
        source = app_of(name)
        if source is None or not set(name.split(".")).isdisjoint({"tests", "testing"}):
            continue
        for target, node in imported(tree):
            destination = app_of(target)
            if destination is None or destination == source or is_pure(target):
                continue
            if APP_LAYERS[destination] >= APP_LAYERS[source]:
                wrong.append(f"{name}:{node.lineno} imports {target}")
    assert wrong == [], "\n".join(wrong)


def test_the_layers_hold_for_the_apps_we_split() -> None:
    """The imports the one-write-path issue removed stay removed."""
    code = [(n, tree) for n, _, tree in modules() if not {"tests", "testing"} & set(n.split("."))]
    clients = {t for n, tree in code if app_of(n) == "clients" for t, _ in imported(tree)}
    accounts = {t for n, tree in code if app_of(n) == "accounts" for t, _ in imported(tree)}
    assert not any(t.startswith("somatrace.therapy") for t in clients)
    assert not any(t.startswith("somatrace.clients") for t in accounts)


def test_no_import_of_our_own_modules_hides_inside_a_function() -> None:
    """Imports go at the top of a module, where a cycle shows. The one exception is
    AppConfig.ready(), where Django wants app code imported."""
    hidden = []
    for name, _, tree in modules():
        if "tests" in name.split("."):
            continue
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if function.name == "ready" and name.endswith(".apps"):
                continue
            hidden += [
                f"{name}:{node.lineno} imports {target} in {function.name}()"
                for target, node in imported(function)
            ]
    assert hidden == [], "\n".join(hidden)


def _writes(tree: ast.Module) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method, receiver = node.func.attr, node.func.value
        if method in WRITES or (
            method == "update"
            and (
                (isinstance(receiver, ast.Attribute) and receiver.attr == "objects")
                or (
                    isinstance(receiver, ast.Call)
                    and isinstance(receiver.func, ast.Attribute)
                    and receiver.func.attr in QUERYSET_METHODS
                )
            )
        ):
            yield node


def test_no_door_writes_a_model_itself() -> None:
    """Views, panels, commands and tasks change records only by calling a service."""
    doors = [
        (name, tree)
        for name, _, tree in modules()
        if set(name.split(".")) & DOOR_PARTS and "tests" not in name.split(".")
    ]
    assert len(doors) >= 20
    writes = [
        f"{name}:{call.lineno} .{call.func.attr}()"  # type: ignore[attr-defined]
        for name, tree in doors
        for call in _writes(tree)
    ]
    assert writes == [], "\n".join(writes)


def test_the_write_check_sees_a_write() -> None:
    """The check above is not blind: it finds the usual ways a view could write."""
    source = (
        "def view(request):\n"
        "    form.save()\n"
        "    Client.objects.create(name='x')\n"
        "    Session.objects.filter(pk=1).update(plan='')\n"
        "    context.update({'a': 1})\n"  # a dict, not a write
    )
    found = [call.func.attr for call in _writes(ast.parse(source))]  # type: ignore[attr-defined]
    assert found == ["save", "create", "update"]
