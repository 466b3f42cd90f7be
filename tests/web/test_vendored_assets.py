"""Every vendored front-end file is the one its README names: same file list, same SHA-256, licence beside it."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR_FOLDERS = (ROOT / "app/web/static/vendor", ROOT / "tests/browser/vendor")
FILE_ROW = re.compile(r"^\| (\S+) \| \S+ \| ([0-9a-f]{64}) \|$", re.MULTILINE)


def listed_checksums(folder: Path) -> dict[str, str]:
    return dict(FILE_ROW.findall((folder / "README.md").read_text(encoding="utf-8")))


def files_on_disk(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()} - {"README.md"}


@pytest.mark.parametrize("folder", VENDOR_FOLDERS, ids=lambda folder: folder.relative_to(ROOT).as_posix())
def test_the_vendored_files_are_exactly_those_their_readme_lists(folder: Path) -> None:
    listed = listed_checksums(folder)

    assert set(listed) == files_on_disk(folder)
    for name, checksum in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == checksum, name


@pytest.mark.parametrize("folder", VENDOR_FOLDERS, ids=lambda folder: folder.relative_to(ROOT).as_posix())
def test_each_vendored_package_carries_its_licence(folder: Path) -> None:
    packages = {name.split("/")[0] for name in listed_checksums(folder)}

    assert packages
    assert all((folder / package / "LICENSE").is_file() for package in packages)
