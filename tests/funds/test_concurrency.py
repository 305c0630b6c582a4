"""Money is never paid twice or over-received, whatever arrives at once (PostgreSQL).

50 threads, each with its own database connection, start together (a barrier):
- 50 HTTP requests to a running server to pay the same approved payment request;
- 50 service calls receiving money against one certified claim.

SQLite has one writer at a time, so these races cannot happen there: the tests skip.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import requests
from django.db import close_old_connections, connection, connections

from sitebook.accounts.services import token_create
from sitebook.core.errors import SitebookError
from sitebook.funds import selectors, services
from sitebook.funds.models import Claim, LedgerEntry, Payment, Receipt
from tests.conftest import build_world
from tests.funds import factories as fx

D = Decimal
N = 50

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises all writers; the race needs PostgreSQL's row locks",
    ),
    pytest.mark.django_db(transaction=True),
]


def _race(work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in N threads released at the same moment; their results or errors."""
    barrier = threading.Barrier(N)
    results: list[Any] = [None] * N

    def run(i: int) -> None:
        close_old_connections()
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001  (the error is the result)
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_fifty_payments_of_one_request_pay_it_once(live_server: Any) -> None:
    world = build_world("race")
    f = fx.setup(world)
    payable = fx.approved_payable(f, gross="10000.00")
    request = fx.approved_request(f, payable, "9700.00")
    _, token = token_create(user=world.users["finance"], name="race")
    url = f"{live_server.url}/api/v1/payment-requests/{request.pk}/payment"

    def pay(i: int) -> int:
        # The test server's listen backlog is small: a connection it resets before reading
        # the request is tried again (a client's retry is one more attempt to pay twice).
        for _attempt in range(20):
            try:
                response = requests.post(
                    url,
                    json={"date": "2026-05-01", "reference": f"T{i}"},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=120,
                )
            except requests.ConnectionError:
                time.sleep(0.05)
                continue
            return response.status_code
        raise AssertionError("the server never answered")

    statuses = Counter(_race(pay))
    assert statuses == {201: 1, 409: N - 1}, statuses
    assert Payment.objects.filter(request=request).count() == 1
    assert LedgerEntry.objects.filter(payable=payable).count() == 1
    assert selectors.payable_paid(payable) == D("9700.00")


def test_fifty_receipts_never_over_receive(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Widen the window between reading what was received and writing the receipt, so that
    # without the claim's row lock the threads would certainly over-receive.
    received_then = selectors.claim_received

    def slow_received(claim: Any) -> Any:
        value = received_then(claim)
        time.sleep(0.05)
        return value

    monkeypatch.setattr(selectors, "claim_received", slow_received)
    world = build_world("race")
    f = fx.setup(world)
    claim = fx.certified_claim(f)  # 154,000.00 due
    finance = world.users["finance"]
    # Each tries 7,000.10: at most 21 fit (147,002.10); the 22nd would pass 154,000.00.
    amount = D("7000.10")

    def receive(i: int) -> Any:
        fresh = Claim.objects.get(pk=claim.pk)
        return services.receipt_create(
            actor=finance, claim=fresh, date=date(2026, 5, 1), amount=amount, reference=f"R{i}"
        )

    results = _race(receive)
    ok = [r for r in results if isinstance(r, Receipt)]
    refused = [r for r in results if isinstance(r, SitebookError)]
    assert len(ok) + len(refused) == N, [r for r in results if not isinstance(r, Receipt)]
    assert len(ok) == 21
    assert {e.errors[0]["field"] for e in refused} == {"amount"}
    received = received_then(claim)
    assert received == amount * 21
    assert received <= D("154000.00")
    assert LedgerEntry.objects.filter(claim=claim).count() == 21
    claim.refresh_from_db()
    assert claim.status == "part_paid"
