"""Locust users for bench/api.py (run by it in a separate process; not a benchmark itself)."""

from __future__ import annotations

import itertools
import json
import os
import uuid
from pathlib import Path

from locust import HttpUser, constant, task
from locust.exception import StopUser

FIXTURE = json.loads(Path(os.environ["CAIRKAN_BENCH_FIXTURE"]).read_text())
_readers = itertools.cycle(FIXTURE["readers"])
_submitters = iter(FIXTURE["submitters"])
DEVICE = "bench"  # the device bench/api.py issued the tokens to


class Reader(HttpUser):
    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        reader = next(_readers)
        self.headers = {"Authorization": f"Bearer {reader['token']}", "X-Device-Id": DEVICE}
        self.claim = reader["claim"]


class Ceiling(HttpUser):
    """A minimal view (one trivial query): what the server does with no Cairkan work."""

    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="ceiling /healthz")


class Balance(Reader):
    @task
    def balance(self) -> None:
        self.client.get("/api/me/balance", headers=self.headers, name="balance")


class Status(Reader):
    @task
    def status(self) -> None:
        self.client.get(f"/api/claims/{self.claim}", headers=self.headers, name="status")


class Submit(HttpUser):
    """Each simulated member files one claim (201), then stops."""

    wait_time = constant(0)

    @task
    def submit(self) -> None:
        try:
            member = next(_submitters)
        except StopIteration:
            raise StopUser from None
        with self.client.post(
            "/api/claims",
            json=member["claim"],
            name="submit",
            headers={
                "Authorization": f"Bearer {member['token']}",
                "X-Device-Id": DEVICE,
                "Idempotency-Key": str(uuid.uuid4()),
            },
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code} {response.text[:120]}")
