"""PEP 517 build backend of the repository root, for pre-commit's `language: python` hook.

pre-commit installs a Python hook with `pip install .` in the hook's repository. Were the root
the maturin project, that would compile catalint from source on every user's machine (minutes;
hosted pre-commit services give up). Instead the root builds, in milliseconds and from the
standard library alone (`requires = []`, nothing fetched, nothing compiled), a wheel that holds
only metadata: a package `catalint-pre-commit` that requires `catalint==<Cargo.toml's version>`.
pip then installs the prebuilt `catalint` wheel (packaging/wheel/, built by maturin) for the
user's platform. The version is read from Cargo.toml, so the hook always asks for the wheel of
the very commit pre-commit checked out.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

NAME = "catalint_pre_commit"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Fixed timestamp: the same commit gives the same bytes.
EPOCH = (1980, 1, 1, 0, 0, 0)


def cargo_version(root: str = ROOT) -> str:
    """The `version` of Cargo.toml's `[package]` table (no TOML parser before Python 3.11)."""
    section = None
    with open(os.path.join(root, "Cargo.toml"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            header = re.fullmatch(r"\[([^\[\]]+)\]", line)
            if header:
                section = header.group(1).strip()
            elif section == "package":
                m = re.fullmatch(r'version\s*=\s*"([^"]+)"', line)
                if m:
                    return m.group(1)
    raise RuntimeError("Cargo.toml has no [package] version = \"...\" line")


def metadata(version: str) -> str:
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {NAME.replace('_', '-')}\n"
        f"Version: {version}\n"
        "Summary: Installs the prebuilt catalint wheel for pre-commit's language: python hook\n"
        "License: MIT OR Apache-2.0\n"
        "Requires-Python: >=3.8\n"
        f"Requires-Dist: catalint=={version}\n"
    )


def _dist_info(version: str) -> str:
    return f"{NAME}-{version}.dist-info"


def _files(version: str) -> dict[str, bytes]:
    info = _dist_info(version)
    return {
        f"{info}/METADATA": metadata(version).encode(),
        f"{info}/WHEEL": (
            "Wheel-Version: 1.0\n"
            "Generator: catalint_pre_commit\n"
            "Root-Is-Purelib: true\n"
            "Tag: py3-none-any\n"
        ).encode(),
    }


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}\n"


# --- PEP 517 hooks ---------------------------------------------------------------------------


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    version = cargo_version()
    for path, data in _files(version).items():
        full = os.path.join(metadata_directory, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
    return _dist_info(version)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = cargo_version()
    name = f"{NAME}-{version}-py3-none-any.whl"
    files = _files(version)
    record = f"{_dist_info(version)}/RECORD"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        lines = []
        for path, data in files.items():
            z.writestr(zipfile.ZipInfo(path, EPOCH), data)
            lines.append(_record_line(path, data))
        lines.append(f"{record},,\n")
        z.writestr(zipfile.ZipInfo(record, EPOCH), "".join(lines))
    return name


def build_sdist(sdist_directory, config_settings=None):
    """The three files that make the root buildable: enough for `pip install <sdist>`."""
    version = cargo_version()
    base = f"{NAME}-{version}"
    name = f"{base}.tar.gz"
    here = os.path.relpath(os.path.abspath(__file__), ROOT)
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as t:
        for rel in ("pyproject.toml", "Cargo.toml", here):
            with open(os.path.join(ROOT, rel), "rb") as f:
                data = f.read()
            info = tarfile.TarInfo(f"{base}/{rel}")
            info.size = len(data)
            info.mtime = 315532800
            t.addfile(info, io.BytesIO(data))
        pkg_info = metadata(version).encode()
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(pkg_info)
        info.mtime = 315532800
        t.addfile(info, io.BytesIO(pkg_info))
    return name
