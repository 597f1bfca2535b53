"""Generate the Python code of protos/ into protos/gen/python (`make proto`).

`--check` regenerates into a scratch folder and fails when the committed code differs,
so a proto edited without `make proto` cannot land.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "protos"
OUT = PROTO_ROOT / "gen" / "python"


def proto_files() -> list[Path]:
    return sorted(PROTO_ROOT.glob("servicehall/**/*.proto"))


def generate(out: Path) -> None:
    from grpc_tools import protoc  # noqa: PLC0415 (a dev dependency: only `make proto` needs it)

    out.mkdir(parents=True, exist_ok=True)
    include = Path(protoc.__file__).parent / "_proto"  # google/protobuf/*.proto
    args = [
        "protoc",
        f"-I{PROTO_ROOT}",
        f"-I{include}",
        f"--python_out={out}",
        f"--pyi_out={out}",
        f"--grpc_python_out={out}",
        *[str(p.relative_to(PROTO_ROOT)) for p in proto_files()],
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    # Regular packages (not namespace ones) so that tools and type checkers find them.
    for folder in [out / "servicehall", *(out / "servicehall").rglob("*")]:
        if folder.is_dir() and folder.name != "__pycache__":
            (folder / "__init__.py").touch()


def tree(root: Path) -> dict[str, Path]:
    return {str(p.relative_to(root)): p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def check() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch)
        generate(fresh)
        want, have = tree(fresh), tree(OUT)
        stale = sorted(set(want) ^ set(have))
        stale += sorted(
            name for name in set(want) & set(have) if not filecmp.cmp(want[name], have[name], shallow=False)
        )
    if stale:
        print("generated code is stale; run `make proto`:", *stale, sep="\n  ", file=sys.stderr)
        return 1
    print("generated code is up to date")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the committed code is stale")
    if parser.parse_args().check:
        return check()
    shutil.rmtree(OUT, ignore_errors=True)
    generate(OUT)
    print(f"generated {len(proto_files())} proto files into {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
