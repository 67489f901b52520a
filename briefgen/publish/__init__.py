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

from .api import run_api
from .daemon import brief_via_service, start_background, stop
from .digest import run_digest, warmer
from .preview import serve
from .site import build_site, site_dir

__all__ = ["brief_via_service", "build_site", "run_api", "run_digest", "serve", "site_dir", "start_background",
           "stop", "warmer"]
