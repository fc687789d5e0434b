"""The build tooling in the environment is past the known vulnerable releases."""

from importlib.metadata import version


def _release(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version(name).split(".")[:3] if part.isdigit())


def test_setuptools_has_the_path_traversal_and_url_fixes():
    # CVE-2024-6345 (fixed in 70.0.0) and CVE-2025-47273 (fixed in 78.1.1).
    assert _release("setuptools") >= (78, 1, 1)
