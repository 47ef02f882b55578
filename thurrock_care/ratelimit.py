"""The client's address, and the product's own rate limits.

Behind the TLS proxy every request arrives from the proxy's address, so the client's address
is read from X-Forwarded-For, trusting only the entries our own proxies wrote (the
``TRUSTED_PROXY_COUNT`` right-most ones). allauth's limits (through the account adapter), the
limits here and the audit trail all take the address from ``client_ip``.

The limiter is ours rather than allauth's ``allauth.core.ratelimit``: that one reads its rates
from allauth's own settings only and is marked there for deprecation. Counters are plain Redis
integers (SET NX, then INCR), so concurrent workers cannot lose a count.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

# The bucket of requests whose address cannot be read (it should not happen behind a proxy).
UNKNOWN_ADDRESS = "unknown"
# IPv6 clients are counted by their /64, as allauth does: one household or office gets a /64,
# and rotating addresses inside it must not escape a limit.
IPV6_PREFIX = 64


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or None when the request carries no usable one.

    Each trusted proxy appends the address it received the request from, so with N trusted
    proxies the client's address is the N-th entry from the right; entries to its left were
    written by the client and are never used. A header with fewer than N entries (a request
    that entered at an inner proxy) gives its leftmost entry, which one of ours wrote. An entry
    that is not an address gives REMOTE_ADDR, never the entry next to it.
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    count: int = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded.strip():
        return remote
    entries = forwarded.split(",")
    return _address(entries[-min(count, len(entries))]) or remote


def _address(value: str) -> str | None:
    """The IP address in a header value (a port, IPv6 brackets or zone removed), or None."""
    value = value.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value, bracket, _port = value[1:].partition("]")
        if not bracket:
            return None
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.partition(":")[0]
    value = value.partition("%")[0]  # fe80::1%eth0: PostgreSQL's inet has no zones
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)  # ::ffff:192.0.2.1 is 192.0.2.1
    return str(address)


@dataclass(frozen=True)
class Rate:
    amount: int
    seconds: int
    per: str  # "ip" or "key"

    def __str__(self) -> str:
        return f"{self.amount}/{self.seconds}s/{self.per}"


RATE = re.compile(r"(?P<amount>\d+)/(?P<number>\d*)(?P<unit>[smhd])/(?P<per>ip|key)")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}


def rates_for(action: str) -> list[Rate]:
    """The rates declared for ``action`` in settings.RATE_LIMITS, e.g. "10/h/ip,5/h/key"."""
    declared = settings.RATE_LIMITS.get(action)
    if declared is None:
        raise ImproperlyConfigured(f"settings.RATE_LIMITS declares no rate for {action!r}")
    rates = []
    for part in declared.split(","):
        match = RATE.fullmatch(part.strip())
        seconds = int(match["number"] or 1) * UNIT_SECONDS[match["unit"]] if match else 0
        if not match or not seconds:
            raise ImproperlyConfigured(
                f"settings.RATE_LIMITS[{action!r}]: {part.strip()!r} is not "
                "amount/period/per, e.g. 10/h/ip or 5/15m/key"
            )
        rates.append(Rate(amount=int(match["amount"]), seconds=seconds, per=match["per"]))
    return rates


def consume(request: HttpRequest, *, action: str, key: str = "") -> bool:
    """Count one attempt at ``action``: True if it is allowed, False if a limit is used up.

    The per-"ip" rates count by the client's address, the per-"key" rates by ``key`` (an
    e-mail address, a user's id); an empty key skips the per-key rates. Every rate counts the
    attempt, allowed or not. The windows are fixed (10:00 to 11:00 for an hourly rate), so a
    burst either side of a boundary can reach twice the amount.
    """
    allowed = True
    for rate in rates_for(action):
        if rate.per == "ip":
            subject = _address_bucket(request)
        elif key:
            subject = key
        else:
            continue
        if _count(action=action, rate=rate, subject=subject) > rate.amount:
            allowed = False
    return allowed


def _address_bucket(request: HttpRequest) -> str:
    address = client_ip(request)
    if address is None:
        return UNKNOWN_ADDRESS
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return address


def _count(*, action: str, rate: Rate, subject: str) -> int:
    """Add one to the subject's counter for the current window, atomically in Redis."""
    window = int(time.time() // rate.seconds)
    digest = hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()
    cache_key = f"ratelimit:{action}:{rate}:{digest}:{window}"
    # The counter outlives its window, so nobody still counting in it finds it expired.
    timeout = rate.seconds + 60
    cache.add(cache_key, 0, timeout=timeout)  # SET NX: only the first attempt creates it
    try:
        return cache.incr(cache_key)
    except ValueError:  # evicted from Redis between the two calls: start again
        cache.add(cache_key, 0, timeout=timeout)
        return cache.incr(cache_key)
