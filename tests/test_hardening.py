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


UPLOADS_PER_MINUTE = 25
UPLOAD_DISK = 2**20  # the smallest cache allowed: 1 MiB


@pytest.fixture(scope="module")
def upload_app(tmp_path_factory):
    """An app whose upload bounds a test can reach: 25 uploads a minute, 1 MiB of cache on disk."""
    from server import running_app

    folder = tmp_path_factory.mktemp("upload-app")
    env = {
        "LSTM_DEMO_MAX_UPLOADS_PER_MINUTE": str(UPLOADS_PER_MINUTE),
        "LSTM_DEMO_MAX_UPLOAD_DISK_BYTES": str(UPLOAD_DISK),
        "GRADIO_TEMP_DIR": str(folder / "cache"),
    }
    with running_app(env, log_path=folder / "log.txt") as (url, _):
        yield url, folder / "cache"


def upload(url: str, *files: tuple[str, bytes]) -> tuple[int, bytes]:
    """POST files to Gradio's upload route as a browser does (multipart, field "files")."""
    boundary = "----lstmdemoboundary"
    body = b""
    for name, data in files:
        body += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    body += f"--{boundary}--\r\n".encode()
    return post(url + "gradio_api/upload", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def cache_bytes(folder) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_uploads_are_one_file_each_bounded_per_minute_and_on_disk(upload_app):
    import os

    url, cache = upload_app
    # Two files in one request: refused (it counts as one upload of this minute).
    status, body = upload(url, ("a.safetensors", b"0" * 100), ("b.safetensors", b"1" * 100))
    assert (status, body) == (413, b"Send one file per upload.")
    # A body over one file's limit: refused from its length, before the rate is counted.
    status, body = upload(url, ("big.safetensors", os.urandom(200 * 1024)))
    assert status == 413 and b"larger than this server accepts" in body
    # 60 KB each: the 1 MiB cache holds ~17 of them, the minute 24 more; the next is refused.
    paths = []
    for _ in range(UPLOADS_PER_MINUTE - 1):
        status, body = upload(url, ("w.safetensors", os.urandom(60_000)))
        assert status == 200, body
        paths.extend(json.loads(body))
    status, body = upload(url, ("w.safetensors", os.urandom(60_000)))
    assert (status, body) == (429, b"Too many uploads from your address; try again in a minute.")
    # The cache is trimmed after each upload, the oldest files first; the newest stays.
    wait_for(lambda: cache_bytes(cache) <= UPLOAD_DISK, 30, "the cache to be trimmed to its bound")
    assert not os.path.exists(paths[0]) and os.path.exists(paths[-1])
