"""static/js/net.js is the browser's one network layer: no other script reads the CSRF token
or POSTs with fetch (or XMLHttpRequest) on its own."""

from __future__ import annotations

import re
from pathlib import Path

JS = Path(__file__).resolve().parents[1] / "static" / "js"
NET = JS / "net.js"
CSRF_READS = ("csrftoken", "csrfmiddlewaretoken", "X-CSRFToken")


def _scripts() -> list[Path]:
    return [p for p in sorted(JS.rglob("*.js")) if "vendor" not in p.relative_to(JS).parts]


def _fetch_calls(text: str) -> list[str]:
    """The argument text of every fetch(...) call, parentheses balanced."""
    calls = []
    for match in re.finditer(r"\bfetch\s*\(", text):
        depth, end = 1, match.end()
        while depth and end < len(text):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        calls.append(text[match.end() : end - 1])
    return calls


def test_the_check_reads_the_scripts_and_net_js_does_the_work() -> None:
    names = {p.relative_to(JS).as_posix() for p in _scripts()}
    assert {"net.js", "console/console.js", "bodymaps/paint.js", "physio/live.js"} <= names
    text = NET.read_text()
    assert all(word in text for word in CSRF_READS)
    assert any(re.search(r"method:\s*[\"']POST", call) for call in _fetch_calls(text))


def test_no_other_script_reads_the_csrf_token_or_posts_by_itself() -> None:
    problems = []
    for path in _scripts():
        if path == NET:
            continue
        name = path.relative_to(JS).as_posix()
        text = path.read_text()
        problems += [f"{name} reads {word}" for word in CSRF_READS if word in text]
        problems += [
            f"{name} POSTs with fetch"
            for call in _fetch_calls(text)
            if re.search(r"\bpost\b", call, re.IGNORECASE)
        ]
        if "XMLHttpRequest" in text or "sendBeacon" in text:
            problems.append(f"{name} sends requests without net.js")
    assert problems == []


def test_the_scripts_that_post_use_net_js() -> None:
    for name in ("console/console.js", "bodymaps/paint.js", "physio/live.js"):
        assert re.search(r"""from\s+["']\.\./net\.js["']""", (JS / name).read_text()), name
    assert not (JS / "console" / "queue.js").exists()
