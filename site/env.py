"""Every setting that comes from the environment is read here, in one place.

The README's table of environment variables mirrors this module line for line.
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on", "oui"}
FALSE = {"0", "false", "no", "off", "non", ""}


def get_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else value.strip()


def get_required(name: str, why: str) -> str:
    """A secret used in production: no default, a clear message when missing."""
    value = get_str(name)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} is required: {why}")
    return value


def get_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}.")


def get_int(name: str, default: int) -> int:
    value = get_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def get_list(name: str, default: list[str]) -> list[str]:
    value = get_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
