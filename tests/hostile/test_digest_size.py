"""Hostile volume: a digest of many briefs with the PDF attached. One PDF lays every brief out
at once (201 briefs once took 1.9 GB and made a 9 MB message), so past
``digest.max_attachment_briefs`` no PDF is made at all; the message goes without it."""

from __future__ import annotations

import email
import email.policy

from conftest import make_project, run_cli

ARTICLE = """---
title: Note {n}
date: 2024-03-0{day}
---
Le préfet a annoncé mardi à Rennes la fermeture de la route {n}. « Elle rouvrira demain », a-t-il dit.
"""


def project_with(tmp_path, briefs: int, most: int):
    texts = {f"note-{n}.md": ARTICLE.format(n=n, day=4 + n % 3) for n in range(briefs)}
    return make_project(tmp_path, texts=texts, replace={"attach_pdf: false": "attach_pdf: true",
                                                         "max_attachment_briefs: 30": f"max_attachment_briefs: {most}"})


def test_past_the_brief_limit_no_pdf_is_even_made(tmp_path, monkeypatch):
    import briefgen.publish.digest as digest

    def never(*args, **kwargs):
        raise AssertionError("the PDF of all briefs was laid out")

    monkeypatch.setattr(digest, "digest_pdf", never)
    project = project_with(tmp_path, briefs=4, most=3)
    result = run_cli("digest", "-c", project.config_path, "--week", "2024-W10")
    assert result.code == 0, result.err
    assert "the digest has 4 briefs, more than digest.max_attachment_briefs (3): no PDF made" in result.err
    message = email.message_from_bytes((project.output / "digests" / "2024-W10.eml").read_bytes(),
                                       policy=email.policy.default)
    assert not list(message.iter_attachments())
    assert "Note 3" in message.get_body(("plain",)).get_content()


def test_within_the_limit_the_pdf_is_attached(tmp_path):
    project = project_with(tmp_path, briefs=3, most=3)
    result = run_cli("digest", "-c", project.config_path, "--week", "2024-W10")
    assert result.code == 0, result.err
    message = email.message_from_bytes((project.output / "digests" / "2024-W10.eml").read_bytes(),
                                       policy=email.policy.default)
    (pdf,) = list(message.iter_attachments())
    assert pdf.get_content().startswith(b"%PDF-")
