"""WeasyPrint is imported without a subprocess (briefgen/render/weasy.py): its library search
once ran ``ldconfig`` and ``gcc`` dozens of times per process, each a fork of a worker of
several hundred MB, which made a build's peak memory jump by a whole worker."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

PROBE = textwrap.dedent("""
    import subprocess, sys
    started = []
    original = subprocess.Popen.__init__
    def spy(self, args, *a, **k):
        started.append(args)
        original(self, args, *a, **k)
    subprocess.Popen.__init__ = spy
    {importer}
    from weasyprint import HTML
    assert HTML(string="<p>x</p>").write_pdf().startswith(b"%PDF")
    print(len(started))
""")


def run_probe(importer: str) -> int:
    out = subprocess.run([sys.executable, "-c", PROBE.format(importer=importer)], capture_output=True, text=True,
                         check=True).stdout
    return int(out.strip().splitlines()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the library search differs elsewhere")
def test_weasyprint_is_imported_without_a_subprocess():
    assert run_probe("from briefgen.render.weasy import load; load()") == 0
    assert run_probe("import weasyprint") > 0  # what load() avoids: the probe does see subprocesses
