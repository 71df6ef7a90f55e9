"""One visitor cannot take the Space from the others: request bodies, uploads and long work are bounded
(issue 13). Real app on 127.0.0.1, real HTTP requests; every wait has a deadline."""

import json
import urllib.error
import urllib.request

import psutil
import pytest
from gradio_client import Client

from conftest import COMPANY_B, wait_for
from lstm_demo.limits import Limits
from lstm_demo.weights import load_model

MAX_BODY = Limits().max_request_bytes
FIVE_MB = b'{"data": ["' + b"1," * 2_500_000 + b'"]}'


def post(url: str, data, headers: dict | None = None) -> tuple[int, bytes]:
    """POST and return (status, body) whether the server accepts or refuses."""
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def warm(url: str) -> None:
    """app.py imports Lightning once it serves; a finished training means it is in (RSS settles)."""
    Client(url, verbose=False).predict("builtin", "fast", 1000, 0.01, 1, "cpu", api_name="/train")


@pytest.mark.parametrize("route", ["gradio_api/queue/join", "gradio_api/call/predict", "gradio_api/call/train"])
def test_a_body_over_the_limit_gets_413_with_a_sentence(app_server, route):
    assert len(FIVE_MB) > MAX_BODY
    status, body = post(app_server[0] + route, FIVE_MB)
    assert status == 413
    assert body.decode() == f"The request is larger than this server accepts ({MAX_BODY:,} bytes)."


def test_a_streamed_body_without_a_length_is_cut_at_the_limit(app_server):
    def chunks():  # 5 MB in 100 KB chunks, no Content-Length (chunked transfer encoding)
        for _ in range(50):
            yield b"1," * 50_000

    status, body = post(app_server[0] + "gradio_api/call/predict", chunks(), {"Transfer-Encoding": "chunked"})
    assert status == 413 and b"larger than this server accepts" in body


def test_a_body_under_the_limit_still_works(app_server):
    sequence = ", ".join(["1"] * 10_000)  # the longest sequence allowed: ~30 KB of text
    status, body = post(app_server[0] + "gradio_api/call/predict", json.dumps({"data": [sequence, "craft"]}).encode())
    assert status == 200 and "event_id" in json.loads(body)
    expected = load_model("craft").predict([1, 0.5, 0.25, 1])
    assert Client(app_server[0], verbose=False).predict(COMPANY_B, "craft", api_name="/predict") == pytest.approx(
        expected
    )


def test_a_hundred_5_mb_requests_leave_memory_where_it_was(app_server):
    url, process = app_server
    server = psutil.Process(process.pid)
    warm(url)
    before = server.memory_info().rss
    statuses = [post(url + route, FIVE_MB)[0] for route in ("gradio_api/queue/join", "gradio_api/call/predict") * 50]
    grown = server.memory_info().rss - before
    assert statuses == [413] * 100
    assert grown < 50 * 2**20, f"RSS grew {grown / 2**20:.1f} MiB for 100 refused 5 MB bodies"
    wait_for(lambda: post(url + "gradio_api/call/predict", b'{"data": ["1", "craft"]}')[0] == 200, 30, "a call")
