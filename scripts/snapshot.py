"""Hash every output of the shipped project, to check that a refactoring changes no byte.

    python scripts/snapshot.py OUT.json          # run and write the manifest
    python scripts/snapshot.py OUT.json --diff OLD.json

It copies ``config.yaml`` and ``seeds/`` to a temporary folder, then runs there:
``briefgen extract`` on every seed (the facts JSON Lines), ``briefgen build`` (the briefs:
HTML, PDF, JSON), ``briefgen site`` and ``briefgen digest --week`` for each week of the seeds
(the .eml and its preview). The manifest maps each output file to its SHA-256. Messages
carry a date, a Message-ID and random MIME boundaries, and PDFs a creation date: those lines are left out of the
hash (named in ``VOLATILE``) so that two runs of the same code agree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BRIEFGEN = [sys.executable, "-m", "briefgen"]
VOLATILE = re.compile(rb"^(Date|Message-ID|Message-Id): .*$|={15}\d+==|/CreationDate \(D:[^)]*\)|/ModDate \(D:[^)]*\)", re.M)


def run(args: list[str], cwd: Path) -> bytes:
    env = {"BRIEFGEN_PROGRESS": "0", "PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    if os.environ.get("PYTHONPATH"):  # e.g. a git worktree's code instead of the installed one
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    done = subprocess.run(BRIEFGEN + args, cwd=cwd, capture_output=True, check=False, env=env)
    if done.returncode != 0:
        sys.exit(f"briefgen {' '.join(args)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return done.stdout


def snapshot() -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(ROOT / "config.yaml", work / "config.yaml")
        shutil.copytree(ROOT / "seeds", work / "seeds")
        seeds = sorted(p.name for p in (work / "seeds").iterdir() if p.suffix in (".txt", ".md"))
        out = {"extract.jsonl": run(["extract", "--no-cache", *[f"seeds/{s}" for s in seeds]], work)}
        run(["build"], work)
        run(["site"], work)
        weeks = sorted({json.loads(line)["article"]["date"] for line in out["extract.jsonl"].splitlines() if line})
        for week in sorted({_iso_week(d) for d in weeks if d and len(d) == 10}):
            run(["digest", "--week", week], work)
        manifest = {name: hashlib.sha256(data).hexdigest() for name, data in out.items()}
        for path in sorted((work / "out").rglob("*")):
            if path.is_file() and "cache" not in path.relative_to(work / "out").parts:
                data = VOLATILE.sub(b"", path.read_bytes())
                manifest[str(path.relative_to(work))] = hashlib.sha256(data).hexdigest()
        return manifest


def _iso_week(date: str) -> str:
    import datetime as dt

    year, week, _ = dt.date.fromisoformat(date[:10]).isocalendar()
    return f"{year}-W{week:02d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("manifest", type=Path)
    parser.add_argument("--diff", type=Path, help="an earlier manifest to compare with")
    args = parser.parse_args()
    manifest = snapshot()
    args.manifest.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    print(f"{len(manifest)} files hashed -> {args.manifest}")
    if args.diff:
        old = json.loads(args.diff.read_text())
        changed = sorted(k for k in old.keys() | manifest.keys() if old.get(k) != manifest.get(k))
        for name in changed:
            print(f"  differs: {name}")
        print("identical" if not changed else f"{len(changed)} files differ")
        sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
