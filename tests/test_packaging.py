"""What bin/setup installs is what pyproject.toml asks for: every dependency is in the lock, with hashes."""

import re
import tomllib
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_dependency_is_pinned_with_hashes_in_the_lock():
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    lock = (BASE_DIR / "requirements.lock").read_text()
    pinned = {normalised(name) for name in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", lock, re.MULTILINE)}
    missing = [spec for spec in wanted if normalised(re.match(r"[A-Za-z0-9._-]+", spec).group()) not in pinned]
    assert not missing, f"not in requirements.lock (run bin/lock): {missing}"
    hashed = re.findall(r"^[A-Za-z0-9][^\n]*==[^\n]*\\\n\s+--hash=sha256:", lock, re.MULTILINE)
    assert len(hashed) == len(pinned)
