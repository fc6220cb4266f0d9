"""axe-core accessibility checks for the browser tests (WCAG 2.1 A/AA, which the RGAA follows).

axe-core comes bundled in the PyPI package `axe-playwright-python`: nothing is fetched
from the network when the tests run.
"""

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()


def format_violations(violations: list[dict]) -> str:
    """One readable block per rule: id, impact, help, then each failing element's selector."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'n/a'}): {violation['help']}"
            f"\n  {violation.get('helpUrl', '')}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    * {target}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(
                    f"        {line.strip()}" for line in summary.splitlines() if line.strip()
                )
    return "\n".join(lines)


def assert_no_axe_violations(page, context: str = "") -> None:
    """Fail when axe-core finds any WCAG 2.1 A/AA violation on the page as it is now.

    `page` is a Playwright (sync) page, already loaded; `context` is a short label
    such as "page d'un projet" that prefixes the failure message to say which page
    failed. The whole document is checked, with only the rules tagged wcag2a,
    wcag2aa, wcag21a and wcag21aa (best-practice rules are left out on purpose:
    the bar is the standard the RGAA follows). The failure lists each rule's id,
    impact, help text and the CSS selectors of the failing elements.

        page.goto(f"{site_url}/projets/")
        assert_no_axe_violations(page, "liste des projets")
    """
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    violations = results.response["violations"]
    if violations:
        where = f"{context} ({page.url})" if context else page.url
        raise AssertionError(
            f"axe-core: {len(violations)} WCAG 2.1 A/AA violation(s) on {where}\n"
            + format_violations(violations)
        )
