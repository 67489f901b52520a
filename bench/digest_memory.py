"""Peak memory of a digest with its PDF attached, against the number of briefs in it.

    python bench/digest_memory.py [--counts 10,20,30]

For each count: a project of that many dev-set articles (as ``bench/run.py`` makes them), a
``build`` first (not measured: the facts and PDF caches are then warm), then
``briefgen digest`` over a range of days that holds every article, with ``attach_pdf`` on and
``max_attachment_briefs`` out of the way; the peak RSS of that process and its children, and
the PDF's size. The slope (MB a brief) is what ``digest.max_attachment_briefs`` guards against:
WeasyPrint lays the whole PDF out at once.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import project, run  # noqa: E402  (bench/run.py: the corpus and the RSS poller)


def measure(count: int, work: Path) -> dict:
    root = project(work / f"digest-{count}", count)
    config = root / "config.yaml"
    text = config.read_text(encoding="utf-8")
    for old, new in (("attach_pdf: false", "attach_pdf: true"), ("max_attachment_kb: 5000", "max_attachment_kb: 100000"),
                     ("max_attachment_briefs: 30", "max_attachment_briefs: 100000")):
        assert old in text, old
        text = text.replace(old, new)
    config.write_text(text, encoding="utf-8")
    briefgen = [sys.executable, "-m", "briefgen"]
    run([*briefgen, "build", "-c", str(config)], root)
    seconds, peak = run([*briefgen, "digest", "-c", str(config), "--since", "1990-01-01", "--until", "2030-12-31"], root)
    eml = sorted((root / "out" / "digests").glob("*.eml"))[-1]
    return {"briefs": count, "seconds": round(seconds, 1), "peak_rss_mb": round(peak / 2**20),
            "message_kb": round(eml.stat().st_size / 1024)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="10,20,30")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in (int(c) for c in args.counts.split(",")):
            rows.append(measure(count, Path(tmp)))
            print(json.dumps(rows[-1]), flush=True)
    if len(rows) > 1:
        slope = (rows[-1]["peak_rss_mb"] - rows[0]["peak_rss_mb"]) / (rows[-1]["briefs"] - rows[0]["briefs"])
        print(f"about {slope:.1f} MB of peak memory a brief ({platform.node()}, {platform.machine()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
