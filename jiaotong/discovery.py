"""How every app, the core included, contributes modules such as ``indicators``
and ``imports`` to the project's two registries (figures, import kinds)."""

from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule

# The project package contributes through its rooms by concern, in this order,
# exactly as an app contributes through its own package.
CORE_PACKAGE = "jiaotong"
CORE_CONCERNS = ("accounts", "registry", "calendar", "audit", "jobs", "reports")


def contributed_modules(name: str) -> list[ModuleType]:
    """Every ``<app>.<name>`` module in INSTALLED_APPS order; for the project
    package, ``jiaotong.<concern>.<name>`` of each concern room."""
    packages = []
    for config in apps.get_app_configs():
        if config.name == CORE_PACKAGE:
            packages += [import_module(f"{CORE_PACKAGE}.{c}") for c in CORE_CONCERNS]
        else:
            packages.append(config.module)
    return [
        import_module(f"{package.__name__}.{name}")
        for package in packages
        if module_has_submodule(package, name)
    ]
