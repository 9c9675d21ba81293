"""How every app, the core included, contributes to the portal without the core
naming it: modules such as ``indicators`` and ``imports`` to the project's two
registries (figures, import kinds), and AppConfig hooks (menu entries, home
queues, enterprise-page sections…) through ``app_hooks``."""

from collections.abc import Iterator
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


def app_hook_results(name: str, *args) -> Iterator:
    """Each app's contribution to the hook ``name``, in INSTALLED_APPS order: the
    result of ``AppConfig.<name>(*args)`` when it is a method, else the
    attribute's value (``nav_items``). Apps without the hook, or whose hook
    returns None, contribute nothing."""
    for config in apps.get_app_configs():
        hook = getattr(config, name, None)
        value = hook(*args) if callable(hook) else hook
        if value is not None:
            yield value


def app_hooks(name: str, *args) -> list:
    """Every app's items for the hook ``name`` as one list (each hook returns a
    list of items): ``app_hooks("home_queues", user)``. The hooks an app may
    define are listed in docs/new-app.md."""
    return [item for value in app_hook_results(name, *args) for item in value]
