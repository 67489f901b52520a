"""Downloading, politely and safely: one HTTP(S) GET at a time, by httpx.

In: a URL and :class:`briefgen.config.FetchSettings`. Out: :class:`Fetched` (final URL,
status, headers, body), or :class:`FetchError` saying why not.

- Only ``http`` and ``https``. Every hop (the first request and each redirect, followed here,
  at most ``max_redirects``) resolves its host and refuses it if any address is loopback,
  private, shared (CGNAT), reserved or unspecified, unless ``allow_private``; link-local and
  cloud metadata addresses are always refused. The request then goes to the address that
  was checked (the host in ``Host`` and, for HTTPS, in SNI and the certificate check), so a
  second DNS answer cannot send it elsewhere.
- Bodies are read in pieces and refused past ``max_kb``; the content type is checked against
  what the caller expects; nothing in a body is ever run.
- Timeouts (connect, and between two pieces), retries with a doubling backoff for 5xx
  answers, 429 and timeouts, and a delay between two requests to the same host.
- Conditional requests: ``If-None-Match`` / ``If-Modified-Since`` from a previous answer;
  a 304 is :attr:`Fetched.not_modified`.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from .. import __version__
from ..config import FetchSettings

USER_AGENT = f"briefgen/{__version__} (news briefs; +https://pypi.org/project/briefgen/)"
PAGE_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
              "application/rdf+xml", "application/feed+json", "application/json")
METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
            ipaddress.ip_address("100.100.100.200")}


class FetchError(Exception):
    """A download that failed; ``retry`` says whether a later run may succeed."""

    def __init__(self, message: str, retry: bool = True):
        super().__init__(message)
        self.retry = retry


@dataclass
class Fetched:
    url: str  # after redirects
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def refusal(address: str, allow_private: bool) -> str | None:
    """Why an IP address may not be fetched from, or None if it may."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip in METADATA:
        return "a cloud metadata address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast or ip.is_unspecified or (ip.is_reserved and not ip.is_private):
        return "a reserved address"
    if not allow_private and (ip.is_loopback or ip.is_private or not ip.is_global):
        return "a loopback or private address"
    return None


class Fetcher:
    """Makes the GETs of one run; remembers when it last asked each host."""

    def __init__(self, settings: FetchSettings, sleep=time.sleep, resolve=socket.getaddrinfo):
        self.settings = settings
        self.sleep = sleep
        self.resolve = resolve
        self._last: dict[str, float] = {}
        self._client = None

    def get(self, url: str, accept: tuple[str, ...] = PAGE_TYPES, etag: str | None = None,
            last_modified: str | None = None) -> Fetched:
        """GET ``url`` (following redirects), with retries; FetchError when it cannot."""
        attempt = 0
        while True:
            try:
                return self._follow(url, accept, etag, last_modified)
            except _Transient as exc:
                if attempt >= self.settings.retries:
                    raise FetchError(f"{exc} (after {attempt + 1} tries)") from None
                self.sleep(self.settings.backoff * 2**attempt)
                attempt += 1

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ----- one try: the hops

    def _follow(self, url: str, accept, etag, last_modified) -> Fetched:
        for _ in range(self.settings.max_redirects + 1):
            fetched = self._hop(url, accept, etag, last_modified)
            location = fetched.headers.get("location")
            if fetched.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            return fetched
        raise FetchError(f"more than fetch.max_redirects ({self.settings.max_redirects}) redirects", retry=False)

    def _hop(self, url: str, accept, etag, last_modified) -> Fetched:
        import httpx

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"refused {url!r}: only http and https addresses are fetched", retry=False)
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
        address = self._checked_address(host, port, url)
        self._wait_for(host)
        target = parts._replace(netloc=f"[{address}]:{port}" if ":" in address else f"{address}:{port}").geturl()
        headers = {"User-Agent": USER_AGENT, "Host": parts.netloc.rsplit("@", 1)[-1],
                   "Accept": ", ".join(accept) + ", */*;q=0.1"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        try:
            with self.client.stream("GET", target, headers=headers, extensions=extensions) as response:
                return self._read(url, response, accept)
        except httpx.TimeoutException:
            raise _Transient(f"no answer from {host} within {self.settings.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise _Transient(f"cannot reach {host}: {exc}") from None
        finally:
            self._last[host] = time.monotonic()

    def _read(self, url: str, response, accept) -> Fetched:
        headers = {k.lower(): v for k, v in response.headers.items()}
        status = response.status_code
        if status in (301, 302, 303, 307, 308, 304):
            return Fetched(url, status, b"", headers)
        if status == 429 or status >= 500:
            raise _Transient(f"{url}: the server answered {status}")
        if status >= 400:
            raise FetchError(f"{url}: the server answered {status}", retry=status in (408, 425))
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind and kind not in accept:
            raise FetchError(f"{url}: {kind} is not what was expected ({', '.join(accept)})", retry=False)
        limit = self.settings.max_kb * 1024
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(f"{url}: larger than fetch.max_kb ({self.settings.max_kb} KB)", retry=False)
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > limit:
                raise FetchError(f"{url}: larger than fetch.max_kb ({self.settings.max_kb} KB)", retry=False)
        return Fetched(url, status, bytes(body), headers)

    # ----- helpers

    @property
    def client(self):
        if self._client is None:
            import httpx

            timeout = httpx.Timeout(self.settings.timeout)
            # redirects are followed by _follow, hop by hop, each one checked
            self._client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)
        return self._client

    def _checked_address(self, host: str, port: int, url: str) -> str:
        try:
            infos = self.resolve(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise _Transient(f"cannot resolve {host}: {exc}") from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        if not addresses:
            raise _Transient(f"cannot resolve {host}")
        for address in addresses:
            reason = refusal(address, self.settings.allow_private)
            if reason:
                hint = "" if "metadata" in reason or "link-local" in reason else " (fetch.allow_private lets it)"
                raise FetchError(f"refused {url}: {host} is {reason} ({address}){hint}", retry=False)
        return addresses[0]

    def _wait_for(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            left = self.settings.host_delay - (time.monotonic() - last)
            if left > 0:
                self.sleep(left)


class _Transient(Exception):
    """A failure worth another try (a timeout, a 5xx, a connection error)."""
