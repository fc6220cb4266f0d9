"""Dependencies: bounded in pyproject.toml, pinned with hashes in the lock files that
`make run` (requirements/base.lock) and `make test`/CI (requirements/dev.lock) install."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(line) for line in PROJECT["dependencies"]]
EXTRAS = {
    extra: [Requirement(line) for line in lines]
    for extra, lines in PROJECT["optional-dependencies"].items()
}


def pins(lock: str) -> dict[str, str]:
    """{normalised name: version} of a lock file; every pin must carry its hashes."""
    text = (ROOT / "requirements" / lock).read_text()
    found = {}
    for block in re.split(r"\n(?=\S)", text):
        match = re.match(r"([A-Za-z0-9_.\-]+)==([^\s;\\]+)", block)
        if match:
            assert "--hash=sha256:" in block, f"{lock}: {match[1]} has no hash"
            found[canonicalize_name(match[1])] = match[2]
    return found


def test_test_and_lint_tools_are_extras_not_runtime():
    runtime = {canonicalize_name(req.name) for req in RUNTIME}
    assert {"pytest", "pytest-django", "playwright", "factory-boy", "ruff"}.isdisjoint(runtime)
    assert {"pytest", "pytest-django", "factory-boy"} <= {
        canonicalize_name(req.name) for req in EXTRAS["test"]
    }
    assert "ruff" in {canonicalize_name(req.name) for req in EXTRAS["lint"]}


@pytest.mark.parametrize(
    "requirement", RUNTIME + [req for reqs in EXTRAS.values() for req in reqs], ids=str
)
def test_every_requirement_has_an_upper_bound(requirement):
    assert any(spec.operator in {"<", "<=", "==", "~="} for spec in requirement.specifier), (
        f"{requirement} has no upper bound"
    )


def test_the_unused_django_redis_is_gone():
    # Settings use Django's own Redis cache backend, which needs only the client library.
    assert "django-redis" not in {canonicalize_name(req.name) for req in RUNTIME}
    assert "redis" in {canonicalize_name(req.name) for req in RUNTIME}
    assert "django-redis" not in pins("base.lock")


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("base.lock", RUNTIME),
        ("dev.lock", RUNTIME + EXTRAS["test"] + EXTRAS["lint"]),
    ],
)
def test_the_lock_pins_every_requirement_within_its_bounds(lock, requirements):
    pinned = pins(lock)
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{lock} does not pin {requirement}: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{lock} pins {name}=={pinned[name]}, outside {requirement}: run `make lock`"
        )


def test_the_runtime_lock_holds_no_test_tool_and_agrees_with_the_dev_lock():
    base, dev = pins("base.lock"), pins("dev.lock")
    assert {"pytest", "playwright", "ruff", "factory-boy"}.isdisjoint(base)
    assert {name: dev.get(name) for name in base} == base
