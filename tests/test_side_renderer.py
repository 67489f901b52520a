"""briefgen.render.side: the cold ``briefgen brief`` writes its PDF in a second, pre-warmed process."""

from __future__ import annotations

import os
import signal

import pytest
from conftest import make_project, pdf_text

from briefgen.render import side as side_module
from briefgen.render.renderer import Renderer
from briefgen.render.side import SideRenderer

HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>
<body><h1>Side renderer</h1><p>A sentence of our own, written for this test.</p></body></html>"""


@pytest.fixture
def config(tmp_path):
    return make_project(tmp_path).config


def test_the_side_process_gives_the_same_bytes(config):
    with SideRenderer(config) as side:
        if side._pool is None:
            pytest.skip("one core or no fork here: the side process is not used")
        ours = side.pdf(HTML, config.output)
    assert ours == Renderer(config).pdf(HTML, config.output)
    assert ours.startswith(b"%PDF-")


def test_a_dead_side_process_is_replaced_by_rendering_here(config, tmp_path):
    with SideRenderer(config) as side:
        if side._pool is None:
            pytest.skip("one core or no fork here: the side process is not used")
        side._pool.submit(int).result()  # the process exists
        for pid in list(side._pool._processes):
            os.kill(pid, signal.SIGKILL)
        data = side.pdf(HTML, config.output)
        assert side._pool is None
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    assert "Siderenderer" in pdf_text(path)  # (pdf_text drops the spaces)


def test_one_core_renders_here(config, monkeypatch):
    monkeypatch.setattr(side_module, "available_cores", lambda: 1)
    with SideRenderer(config) as side:
        assert side._pool is None
        assert side.pdf(HTML, config.output).startswith(b"%PDF-")
