"""Fetch the benchmark corpus: pinned releases of real Celery-using projects, .py files only.

    python benchmarks/get_corpus.py /tmp/corpus            # the main projects
    python benchmarks/get_corpus.py --extras /tmp/corpus   # plus small Celery libraries

Downloads each release listed in ``benchmarks/corpus_pins.txt`` with ``pip download``
(no dependencies), checks the archive against its pinned sha256 (released files never
change, so the check is exact) and unpacks only its ``*.py`` members into
``TARGET/<name>/``.  A project without a root marker of its own (``setup.py``, ...) gets an
empty ``pyproject.toml`` in ``TARGET/<name>/``: each project is then its own root for
celery-lint's project index, as its checkout is for its users.  Idempotent: a project whose
``TARGET/<name>/.complete`` exists is skipped (only its marker is added when missing).  The
corpus is never committed; keep TARGET outside the repository.
"""
from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from _common import REPO, Pin, mark_root, read_pins


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(pin: Pin, into: Path, python: str) -> Path:
    fmt = ["--no-binary", ":all:"] if pin.kind == "sdist" else ["--only-binary", ":all:"]
    subprocess.run(
        [python, "-m", "pip", "download", "--quiet", "--no-deps", "--ignore-requires-python",
         *fmt, "-d", str(into), pin.spec],
        check=True,
    )
    files = sorted(p for p in into.iterdir() if p.is_file())
    if len(files) != 1:
        raise SystemExit(f"{pin.spec}: expected one downloaded file, got {[f.name for f in files]}")
    return files[0]


def extract_py(archive: Path, dest: Path) -> int:
    """Unpack the .py members of a wheel (zip) or an sdist (tar.gz, top folder stripped)."""
    dest.mkdir(parents=True, exist_ok=True)
    count = 0
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as z:
            for member in z.infolist():
                if not member.is_dir() and member.filename.endswith(".py"):
                    z.extract(member, dest)
                    count += 1
        return count
    with tarfile.open(archive) as t:
        members = []
        for member in t.getmembers():
            if member.isfile() and member.name.endswith(".py") and "/" in member.name:
                member.name = member.name.split("/", 1)[1]
                members.append(member)
        extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        t.extractall(dest, members=members, **extra)  # noqa: S202 -- names checked by the filter
        return len(members)


def fetch(pin: Pin, target: Path, python: str) -> str:
    dest = target / pin.name
    if (dest / ".complete").is_file():
        return f"skip  {pin.name} (present{'; root marker added' if mark_root(dest) else ''})"
    shutil.rmtree(dest, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        archive = download(pin, Path(tmp), python)
        got = sha256(archive)
        if got != pin.sha256:
            raise SystemExit(f"ERROR: {pin.spec}: sha256 {got} != pinned {pin.sha256}")
        count = extract_py(archive, dest)
        mark_root(dest)
        (dest / ".complete").write_text(f"{pin.spec}\t{archive.name}\t{pin.sha256}\n", encoding="utf-8")
    return f"got   {pin.name}: {pin.spec} -> {count} .py files"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="folder to unpack into (outside the repository)")
    parser.add_argument("--extras", action="store_true", help="also the small Celery libraries")
    parser.add_argument("--only", metavar="NAME,...", type=lambda s: [n for n in s.split(",") if n],
                        help="fetch only these projects (comma-separated)")
    parser.add_argument("--python", default=sys.executable, help="the Python whose pip downloads")
    args = parser.parse_args(argv)
    target = args.target.resolve()
    if target == REPO or REPO in target.parents:
        raise SystemExit("keep the corpus outside the repository")
    target.mkdir(parents=True, exist_ok=True)
    pins = read_pins(extras=args.extras or bool(args.only))
    if args.only:
        unknown = set(args.only) - {p.name for p in pins}
        if unknown:
            raise SystemExit(f"unknown project(s): {', '.join(sorted(unknown))}")
        pins = [p for p in pins if p.name in args.only]
    for pin in pins:
        print(fetch(pin, target, args.python), flush=True)
    total = sum(1 for _ in target.rglob("*.py"))
    print(f"corpus in {target}: {total} .py files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
