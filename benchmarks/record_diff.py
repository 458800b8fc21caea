"""Check that a change leaves the records as they were (not a test).

Usage:
    python benchmarks/record_diff.py --save base.jsonl       # before the change
    python benchmarks/record_diff.py --against base.jsonl    # after it: the differences, per set

The sets: dev and wide (../shared/corpus), the samples (samples/*.txt) and the first 500 BBC articles
(sorted paths of ../shared/corpus/bench/bbc/**/*.txt). Records are made by the installed `extract`
command (`extract -q -o FILE`), so they are exactly what a user gets. A baseline line is
`{"set": NAME, "source": PATH, "record": {...}}`. `--against` prints, per set, the number of differing
records (and of records missing on either side), and for each difference the source and the fields that
differ (`dates[3].value`, `quotes`, ...). Exit code 0 when nothing differs, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BBC_COUNT = 500
MAX_PATHS = 8  # field paths shown per differing record


def sets(shared: Path) -> dict[str, list[Path]]:
    """Each set's input files, sorted; sets whose folder is absent are left out."""
    found = {
        "dev": sorted((shared / "corpus" / "dev").glob("*.txt")),
        "wide": sorted((shared / "corpus" / "wide").glob("*.txt")),
        "samples": sorted((ROOT / "samples").glob("*.txt")),
        "bbc500": sorted((shared / "corpus" / "bench" / "bbc").rglob("*.txt"), key=str)[:BBC_COUNT],
    }
    return {name: paths for name, paths in found.items() if paths}


def _extract_command() -> list[str]:
    """The `extract` beside this Python (the project's venv), else the one on PATH."""
    beside = Path(sys.executable).with_name("extract")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("extract")
    if found is None:
        sys.exit("record_diff: no `extract` command installed")
    return [found]


def make_records(paths: list[Path], jobs: int | None) -> dict[str, dict]:
    """Records of `paths` by source, made by one run of the installed command."""
    with tempfile.TemporaryDirectory(prefix="record-diff-") as tmp:
        out = Path(tmp) / "records.jsonl"
        command = [*_extract_command(), "-q", "-o", str(out)]
        if jobs:
            command += ["-j", str(jobs)]
        done = subprocess.run([*command, *map(str, paths)], capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            sys.exit(f"record_diff: extract exited with {done.returncode}")
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {_key(r["source"]): {k: v for k, v in r.items() if k != "source"} for r in records}


def _key(source: str) -> str:
    """A record's name that does not depend on where the checkout is: the last two parts of its path."""
    return "/".join(Path(source).parts[-2:])


def differences(old: object, new: object, path: str = "") -> Iterator[str]:
    """Paths of the fields that differ between two JSON values (`dates[3].value`; a list of another
    length is named once, as a whole)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            yield from differences(old.get(key), new.get(key), f"{path}.{key}" if path else key)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from differences(a, b, f"{path}[{i}]")
    elif old != new:
        yield f"{path} ({len(old)} -> {len(new)} items)" if isinstance(old, list) and isinstance(new, list) else path


def save(path: Path, shared: Path, jobs: int | None) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for name, paths in sets(shared).items():
            records = make_records(paths, jobs)
            for source in (_key(str(p)) for p in paths):
                fh.write(json.dumps({"set": name, "source": source, "record": records.get(source)},
                                    ensure_ascii=False, sort_keys=True) + "\n")
            print(f"{name}: {len(records)} records")
    print(f"baseline written to {path}")


def against(path: Path, shared: Path, jobs: int | None) -> int:
    base: dict[str, dict[str, dict]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        record = {k: v for k, v in (row["record"] or {}).items() if k != "source"} if row["record"] else None
        base.setdefault(row["set"], {})[_key(row["source"])] = record
    total = 0
    current = sets(shared)
    for name in [*current, *(n for n in base if n not in current)]:
        old = base.get(name, {})
        new = make_records(current.get(name, []), jobs) if current.get(name) else {}
        lines, differing = [], 0
        for source in sorted(old.keys() | new.keys()):
            if source not in new or source not in old:
                differing += 1
                lines.append(f"  {source}: {'missing now' if source not in new else 'not in the baseline'}")
                continue
            fields = list(differences(old[source], new[source]))
            if fields:
                differing += 1
                more = f" (+{len(fields) - MAX_PATHS} more)" if len(fields) > MAX_PATHS else ""
                lines.append(f"  {source}: {', '.join(fields[:MAX_PATHS])}{more}")
        print(f"{name}: {len(new)} records, {differing} differing")
        for line in lines:
            print(line)
        total += differing
    print(f"total: {total} differing records")
    return 0 if total == 0 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, metavar="FILE", help="write the records of every set to FILE (JSONL)")
    group.add_argument("--against", type=Path, metavar="FILE", help="compare today's records with FILE's")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared folder (default: ../shared)")
    parser.add_argument("-j", "--jobs", type=int, help="worker processes for extract (default: its own)")
    args = parser.parse_args(argv)
    if args.save:
        save(args.save, args.shared, args.jobs)
        return 0
    return against(args.against, args.shared, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
