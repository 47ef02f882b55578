"""The client's address behind the TLS proxy, and the product's own rate limits."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from thurrock_care import ratelimit
from thurrock_care.ratelimit import Rate, client_ip, consume, rates_for

PROXY = "10.0.0.1"


def request_from(rf: RequestFactory, forwarded: str | None = None, remote: str = PROXY):
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return rf.post("/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        # No trusted proxy (the default): the header is the client's to write, so it is ignored.
        (0, "203.0.113.7", PROXY),
        (0, None, PROXY),
        # One proxy: it appends the address it saw; anything to the left is the client's.
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.66, 203.0.113.7", "203.0.113.7"),
        (1, "  203.0.113.7  ", "203.0.113.7"),
        # Two proxies: the outer one's entry is second from the right.
        (2, "198.51.100.66, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        # A request that entered at the inner proxy: its one entry is ours.
        (2, "203.0.113.7", "203.0.113.7"),
        # IPv6, ports, brackets, zones, IPv4 written as IPv6.
        (1, "2001:DB8::7", "2001:db8::7"),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, "203.0.113.7:51234", "203.0.113.7"),
        (1, "fe80::7%eth0", "fe80::7"),
        (1, "::ffff:203.0.113.7", "203.0.113.7"),
        # Garbage falls back to the proxy's address, never to the client-written entry.
        (1, "203.0.113.7, unknown", PROXY),
        (1, "203.0.113.7,", PROXY),
        (1, ",,,", PROXY),
        (1, "", PROXY),
        (1, "[2001:db8::7", PROXY),
        (1, "203.0.113.7\x00", PROXY),
        (1, "999.1.1.1", PROXY),
        (1, "x" * 10_000, PROXY),
        (3, "unknown", PROXY),
    ],
)
def test_client_ip_trusts_only_our_proxies_entries(settings, rf, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request_from(rf, forwarded)) == expected


def test_client_ip_is_none_without_any_usable_address(settings, rf):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(rf, "garbage", remote="")) is None
    assert client_ip(request_from(rf, None, remote="not an address")) is None


def test_a_spoofed_leftmost_entry_does_not_change_the_address(settings, rf):
    settings.TRUSTED_PROXY_COUNT = 1
    addresses = {
        client_ip(request_from(rf, f"{spoof}, 203.0.113.7"))
        for spoof in ("1.1.1.1", "2001:db8::1", "127.0.0.1", "garbage", "")
    }
    assert addresses == {"203.0.113.7"}


@pytest.mark.parametrize(
    ("count", "forwarded"), [(2, "203.0.113.7"), (3, "a, b"), (1, "203.0.113.7\xe9"), (2, "[")]
)
@pytest.mark.django_db
def test_a_short_or_garbage_header_never_fails_a_page(client, settings, count, forwarded):
    """allauth's own reading raises ImproperlyConfigured (a 500) on a header this short."""
    settings.TRUSTED_PROXY_COUNT = count
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count  # as settings.py sets it
    response = client.post(
        reverse("account_login"),
        {"login": "nobody@thurrock-care.test", "password": "wrong password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct" in response.text


# The limiter


def test_every_declared_rate_is_readable_and_break_glass_is_limited_per_user(settings):
    for action in settings.RATE_LIMITS:
        assert rates_for(action)
    assert rates_for("join_request") == [Rate(10, 3600, "ip"), Rate(5, 3600, "key")]
    assert rates_for("break_glass") == [Rate(10, 3600, "key")]


@pytest.mark.parametrize("declared", ["10/h", "ten/h/ip", "10/0m/ip", "10/h/user", "10/h/ip,"])
def test_a_badly_written_rate_is_named(settings, rf, declared):
    settings.RATE_LIMITS = {"example": declared}
    with pytest.raises(ImproperlyConfigured, match=r"RATE_LIMITS\['example'\]"):
        consume(request_from(rf), action="example")


def test_an_undeclared_action_is_an_error_not_an_open_door(rf):
    with pytest.raises(ImproperlyConfigured, match="no rate for 'brake_glass'"):
        consume(request_from(rf), action="brake_glass", key="1")


def test_limits_count_per_address_and_per_key(settings, rf):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMITS = {"example": "3/h/ip,2/h/key"}
    a, b = request_from(rf, "203.0.113.1"), request_from(rf, "203.0.113.2")
    assert consume(a, action="example", key="x")
    assert consume(a, action="example", key="y")
    assert consume(a, action="example", key="z")
    assert not consume(a, action="example", key="w")  # the address has used its 3
    assert consume(b, action="example", key="x")  # x's second, from another address
    assert not consume(b, action="example", key="x")  # x has used its 2
    assert consume(b, action="example")  # no key: only the address counts (b's third)
    assert not consume(b, action="example", key="v")


def test_ipv6_clients_are_counted_by_their_64(settings, rf):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMITS = {"example": "2/h/ip"}
    assert consume(request_from(rf, "2001:db8:1:2::1"), action="example")
    assert consume(request_from(rf, "2001:db8:1:2::2"), action="example")
    assert not consume(request_from(rf, "2001:db8:1:2:ffff::3"), action="example")
    assert consume(request_from(rf, "2001:db8:1:3::1"), action="example")  # another /64


def test_requests_without_an_address_share_one_bucket(settings, rf):
    settings.RATE_LIMITS = {"example": "1/h/ip"}
    assert consume(request_from(rf, remote=""), action="example")
    assert not consume(request_from(rf, remote="garbage"), action="example")


def test_counters_are_kept_by_digest_and_always_expire(settings, rf):
    settings.RATE_LIMITS = {"example": "5/10m/key"}
    consume(request_from(rf), action="example", key="jo@befrienders.test")
    redis = cache._cache.get_client(write=True)
    (key,) = redis.keys(f"{settings.CACHES['default']['KEY_PREFIX']}:*ratelimit:example:*")
    assert b"befrienders" not in key
    assert 0 < redis.ttl(key) <= 10 * 60 + 60


def test_a_new_window_starts_afresh(settings, rf, monkeypatch):
    settings.RATE_LIMITS = {"example": "1/m/key"}
    now = 1_700_000_000.0
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now))
    assert consume(request_from(rf), action="example", key="k")
    assert not consume(request_from(rf), action="example", key="k")
    now += 60
    assert consume(request_from(rf), action="example", key="k")
