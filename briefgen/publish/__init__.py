"""Publish: rendered briefs in; a static site, a weekly digest by email and a preview out.

In: the config and the briefs the pipeline renders. Out: ``out/site/`` (a page and a PDF per
brief, indexes by actor, place, topic and week, an Atom feed, a sitemap, Pagefind search),
``out/digests/PERIOD.eml`` (sent by SMTP with ``--send``, never twice), and a local preview
server that rebuilds on change.

- ``site``    the static site;
- ``search``  the Pagefind index of the site;
- ``digest``  the week's briefs as one message;
- ``mailer``  sending it by SMTP (:func:`send_digest` ties ``smtp_session``: connection, login,
  redaction of the password; ``retries``: what is retried, each recipient's result;
  ``sent_state``: the record of what was sent, so nothing is sent twice);
- ``preview`` :func:`serve`: the preview server (``briefgen serve``).
"""

from .digest import run_digest
from .preview import serve
from .site import build_site, site_dir

__all__ = ["build_site", "run_digest", "serve", "site_dir"]
