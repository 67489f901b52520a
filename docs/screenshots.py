"""Screenshots of the built site for the README: `python docs/screenshots.py` after `briefgen site`.

Headless Debian chromium driven by Playwright (no browser download); file:// URLs,
so no server is needed. Writes docs/site-home.png and docs/site-brief.png (light) and
docs/site-home-dark.png and docs/site-brief-dark.png (the pages' prefers-color-scheme: dark).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "out" / "site"


def main() -> int:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not (SITE / "index.html").is_file():
        print("build the site first: briefgen site", file=sys.stderr)
        return 1
    brief = sorted((SITE / "briefs").glob("*/index.html"))[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for scheme, suffix in (("light", ""), ("dark", "-dark")):
            page = browser.new_page(viewport={"width": 1100, "height": 900}, color_scheme=scheme)
            page.goto((SITE / "index.html").as_uri())
            page.screenshot(path=str(ROOT / "docs" / f"site-home{suffix}.png"))
            page.goto(brief.as_uri())
            page.screenshot(path=str(ROOT / "docs" / f"site-brief{suffix}.png"))
            page.close()
        browser.close()
    print("wrote docs/site-{home,brief}.png and docs/site-{home,brief}-dark.png", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
