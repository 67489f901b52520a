"""Screenshot of the digest email for the README: `python docs/digest_screenshot.py [--week 2012-W27]`.

Writes the digest of one week of the shipped seeds (a dry run: `out/digests/<week>.eml` and the
preview `out/digests/<week>.html`, the HTML part exactly as sent), then opens the preview in
headless Debian chromium driven by Playwright (no browser download; file:// URL) and writes
docs/digest-email.png (light) and, with --dark, docs/digest-email-dark.png.
Facts come from out/cache when `briefgen build` or `briefgen site` ran before; otherwise the
week's articles are extracted first (spaCy, some seconds).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefgen.cli import main as briefgen  # noqa: E402
from briefgen.config import load_config  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--week", default="2012-W27", help="ISO week of the seeds to show (default: 2012-W27)")
    parser.add_argument("--dark", action="store_true", help="also take docs/digest-email-dark.png")
    args = parser.parse_args()
    config_path = ROOT / "config.yaml"
    code = briefgen(["digest", "-c", str(config_path), "--week", args.week, "--dry-run"])
    if code != 0:
        return code
    preview = load_config(config_path).output / "digests" / f"{args.week}.html"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    shots = [("light", ROOT / "docs" / "digest-email.png")]
    if args.dark:
        shots.append(("dark", ROOT / "docs" / "digest-email-dark.png"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for scheme, target in shots:
            page = browser.new_page(viewport={"width": 760, "height": 900}, color_scheme=scheme)
            page.goto(preview.as_uri())
            page.screenshot(path=str(target), full_page=True)
            page.close()
            print(f"wrote {target.relative_to(ROOT)}", file=sys.stderr)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
