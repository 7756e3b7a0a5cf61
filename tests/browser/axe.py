"""Run axe-core in a Playwright page and name what it finds that a person cannot get past.

axe-core is installed by `make` from package.json's devDependencies and injected here,
from node_modules; the console never serves it (agent_console/vendor.py). The contexts
it runs in bypass the console's Content-Security-Policy, which refuses inline scripts:
the injected checker is the only script that needs it.

The rules are those of WCAG 2.0 and 2.1, levels A and AA; a violation of impact
"serious" or "critical" fails (docs/accessibility.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING = frozenset({"serious", "critical"})
# A person opens what is folded (<details>): its content is checked open.
UNFOLD = "() => document.querySelectorAll('details:not([open])').forEach(d => { d.open = true; })"
RUN = """tags => axe.run(document, {
  runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
})"""


def axe_script() -> Path:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: `make install` runs npm ci, which installs it")
    return AXE


def blocking_violations(page) -> list[dict]:
    """The serious and critical violations on the page as it is drawn now, its folded
    parts opened."""
    page.evaluate(UNFOLD)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_script()))
    result = page.evaluate(RUN, list(TAGS))
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def described(where: str, violations: list[dict]) -> list[str]:
    """One line per rule broken: rule id, impact, the elements (a few), the help URL."""
    lines = []
    for v in violations:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"]]
        more = f" (+{len(targets) - 4} more)" if len(targets) > 4 else ""
        lines.append(f"{where}: {v['id']} [{v['impact']}] {targets[:4]}{more}"
                     f" {v['helpUrl']}")
    return lines
