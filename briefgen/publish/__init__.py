"""Publish: rendered briefs in; a static site, a weekly digest by email and a preview out.

In: the config and the briefs the pipeline renders. Out: ``out/site/`` (a page and a PDF per
brief, indexes by actor, place, topic and week, an Atom feed, a sitemap, Pagefind search),
``out/digests/PERIOD.eml`` (sent by SMTP with ``--send``, never twice), and a local preview
server that rebuilds on change; one brief on demand over HTTP.

- ``site``          the static site;
- ``search``        the Pagefind index of the site;
- ``period``        the days a digest covers (a week, or ``--since``/``--until``), and its labels;
- ``grouping``      the period's briefs, selected by date and marking, grouped by event;
- ``message``       the digest as an email (subject, text and HTML parts, inlined CSS, PDF);
- ``digest``        :func:`run_digest`: the week's briefs as one message, written and sent;
- ``mailer``        :func:`send_digest`: sending it by SMTP, never twice, which ties
- ``smtp_session``  the connection, login and redaction of the password,
- ``retries``       what is retried, and each recipient's result,
- ``sent_state``    the record of what was sent;
- ``preview``       :func:`serve`: the preview server (``briefgen serve``);
- ``api``           :func:`run_api`: briefs on demand from a warm process (``briefgen api``);
- ``daemon``        its port file, ``--background`` / ``--stop``, and ``briefgen brief`` through it.
"""

import importlib

# name -> module; imported on first use, so that ``briefgen brief`` through a running service
# loads the daemon module alone, not the site, digest and server stacks
_EXPORTS = {
    "run_api": "api", "brief_via_service": "daemon", "start_background": "daemon", "stop": "daemon",
    "run_digest": "digest", "warmer": "digest", "serve": "preview", "build_site": "site", "site_dir": "site",
}

__all__ = ["brief_via_service", "build_site", "run_api", "run_digest", "serve", "site_dir", "start_background",
           "stop", "warmer"]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
