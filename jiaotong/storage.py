"""Production static-files storage: WhiteNoise's compressed manifest storage that
leaves source-map comments alone.

The pinned vendor files (Bootstrap) end with ``/*# sourceMappingURL=… */`` but
their .map files are not vendored, and Django's manifest storage refuses to
finish collectstatic over a reference it cannot find.  Source maps are read
only by open developer tools, so the comment is kept as written instead of
being rewritten to a hashed name; every other reference (url(), @import) is
still hashed and checked.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    def keep(pattern) -> bool:
        regex = pattern if isinstance(pattern, str) else pattern[0]
        return "sourceMappingURL" not in regex

    return tuple((glob, tuple(p for p in group if keep(p))) for glob, group in patterns)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
