"""Make the TrueType form of each shipped WOFF2 font (briefgen/data/fonts/*.ttf).

    python scripts/fonts_ttf.py

The bytes are those of fontTools' ``woff2.decompress``, which is what WeasyPrint itself
would do with the WOFF2 file in every process; tests/test_fonts.py checks that each
``.ttf`` still equals the decompressed ``.woff2``.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from fontTools.ttLib import woff2

FONT_DIR = Path(__file__).resolve().parent.parent / "briefgen" / "data" / "fonts"


def decompressed(path: Path) -> bytes:
    out = io.BytesIO()
    woff2.decompress(io.BytesIO(path.read_bytes()), out)
    return out.getvalue()


def main() -> int:
    for path in sorted(FONT_DIR.glob("*.woff2")):
        target = path.with_suffix(".ttf")
        target.write_bytes(decompressed(path))
        print(f"{target.name}: {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
