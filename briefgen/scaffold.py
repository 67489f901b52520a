"""``briefgen init DIR``: a new briefing project, the way ``mkdocs new`` starts one.

It writes a commented ``config.yaml`` (the built-in one, pointing at the project's
own ``templates/``), copies of the built-in templates to customise (any file left
out falls back to the built-in one of the same name), an empty ``seeds/`` and
``out/`` with a ``.gitignore``. Nothing that exists is overwritten unless asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import atomic_write
from .config import builtin_config_path
from .errors import BriefgenError
from .render import builtin_templates_dir

TEMPLATES = (
    "brief.html.j2", "bluf.html.j2", "brief.css", "brief-print.css",
    "email/digest.html.j2", "email/digest.txt.j2", "email/digest-pdf.html.j2",
)


@dataclass
class Scaffold:
    root: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def init_project(root: Path, force: bool = False) -> Scaffold:
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise BriefgenError("exists and is not a folder", root)
    result = Scaffold(root)
    config_src = builtin_config_path()
    if config_src is None or not Path(config_src).is_file():
        raise BriefgenError("the built-in config.yaml is missing from this installation")
    config = Path(config_src).read_text(encoding="utf-8")
    config, n = re.subn(r"(?m)^templates:.*$", "templates: templates   # your copies; a missing file falls back to the built-in one", config)
    if n == 0:
        config = config.rstrip("\n") + "\n\ntemplates: templates\n"
    files = {
        root / "config.yaml": config,
        root / ".gitignore": "out/*\n!out/.gitkeep\n",
        root / "out" / ".gitkeep": "",
        root / "seeds" / ".gitkeep": "",
    }
    for name in TEMPLATES:
        files[root / "templates" / name] = (builtin_templates_dir() / name).read_text(encoding="utf-8")
    for path, text in files.items():
        if path.exists() and not force:
            result.kept.append(path)
            continue
        atomic_write(path, text)
        result.written.append(path)
    return result
