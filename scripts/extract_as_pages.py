"""``briefgen extract`` on web-page versions of articles: the scorer's --cmd for HTML input.

    python ../shared/score_facts.py ../shared/devset --cmd ".venv/bin/python scripts/extract_as_pages.py"

Each ARTICLE (a dev-set .txt or .md) is wrapped in news-site chrome by ``tests/webpages.py``
(menus, share buttons, "read also" box, ad, caption, comments, cookie banner, JSON-LD) and
saved as STEM.html in a temporary folder, so its article id is the same; then
``briefgen extract --no-cache --no-overrides`` runs on those pages and its JSON Lines are
printed. The score on them, next to the score on the clean files, shows what reading a
page (trafilatura) costs the facts.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from webpages import article_page, read_devset_article


def main(paths: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="briefgen-pages-") as tmp:
        pages = []
        for name in paths:
            source = Path(name)
            page = Path(tmp) / f"{source.stem}.html"
            page.write_text(article_page(read_devset_article(source), f"https://example.org/{source.stem}"),
                            encoding="utf-8")
            pages.append(str(page))
        command = [sys.executable, "-m", "briefgen", "extract", "--no-cache", "--no-overrides", *pages]
        return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
