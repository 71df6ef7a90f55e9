"""One visitor cannot take the Space from the others: request bodies, uploads and long work are bounded
(issue 13). Real app on 127.0.0.1, real HTTP requests; every wait has a deadline."""

import json
import urllib.error
from pathlib import Path
import urllib.request

import psutil
import pytest
from gradio_client import Client

from conftest import COMPANY_B, ROOT, wait_for
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
DEEP_LINK_DISK = 2**20  # the smallest allowed: 1 MiB, ~10 saved states of this page
DEEP_LINK_TTL = 15


@pytest.fixture(scope="module")
def upload_app(tmp_path_factory):
    """An app whose upload bounds a test can reach (25 uploads a minute, 1 MiB of cache on disk), run as
    on a Space: each client is the address its proxy wrote (X-Forwarded-For)."""
    from server import running_app

    folder = tmp_path_factory.mktemp("upload-app")
    env = {
        "SYSTEM": "spaces",  # clients told apart by X-Forwarded-For, as behind a Space's proxy
        "LSTM_DEMO_MAX_UPLOADS_PER_MINUTE": str(UPLOADS_PER_MINUTE),
        "LSTM_DEMO_MAX_UPLOAD_DISK_BYTES": str(UPLOAD_DISK),
        "GRADIO_TEMP_DIR": str(folder / "cache"),
        "LSTM_DEMO_MAX_DEEP_LINK_DISK_BYTES": str(DEEP_LINK_DISK),
        "LSTM_DEMO_DEEP_LINK_TTL_SECONDS": str(DEEP_LINK_TTL),
    }
    with running_app(env, log_path=folder / "log.txt") as (url, _):
        yield url, folder / "cache"


def upload(url: str, *files: tuple[str, bytes], address: str | None = None) -> tuple[int, bytes]:
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
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    return post(url + "gradio_api/upload", body, {**headers, **({"X-Forwarded-For": address} if address else {})})


def cache_bytes(folder) -> int:
    """The bytes of the files under `folder`; the server may be removing some while this counts."""
    import os

    total = 0
    for root, _, files in os.walk(folder):  # a folder removed meanwhile is skipped, not an error
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except FileNotFoundError:
                pass
    return total


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
    assert not (cache / paths[0]).exists() and (cache / paths[-1]).exists()  # named relative to the cache


FLOOD_SECONDS = 15  # bench/flood.py floods for 30 s and prints the latencies


def test_a_client_flooding_trainings_uploads_and_bodies_leaves_another_clients_predict_answering(upload_app):
    """One client (its own process) sends a training from a fresh session every 50 ms, uploads and 5 MB
    bodies; another client's /predict calls, one after another, all get their answer: never
    "Queue is full". The flooder's trainings are refused past its share (429 and one sentence)."""
    from bench.flood import VICTIM, flooded, predict_once

    url, _ = upload_app
    latencies, failures, counts = flooded(url, FLOOD_SECONDS)
    assert not failures, failures[:5]
    assert len(latencies) >= 10, latencies
    assert counts.get("train 429", 0) > counts.get("train 200", 0) > 0, counts
    assert not any(key.startswith("train 5") for key in counts), counts
    assert counts.get("body 5 MB 413", 0) >= 3 and counts.get("upload 200", 0) >= 3, counts
    assert set(counts) <= {"train 200", "train 429", "body 5 MB 413", "upload 200", "upload 429"}, counts
    # The flood over, the other client is answered as before.
    import httpx

    with httpx.Client(timeout=60, headers={"X-Forwarded-For": VICTIM}) as client:
        assert predict_once(client, url)[1] == ""


def test_one_client_may_have_only_a_few_trainings_waiting(upload_app):
    """A client that joins trainings again and again, faster than they are served, gets 429 with one sentence
    once it has its share waiting."""
    import httpx

    from lstm_demo.ui.guard import busy

    url, _ = upload_app
    fn_index = next(
        d["id"] for d in httpx.get(url + "config", timeout=30).json()["dependencies"] if d.get("api_name") == "train"
    )
    share = Limits().max_waiting_trainings_per_address
    body = {"data": ["craft", "fast", 10_000, 0.01, 1, "cpu", None], "fn_index": fn_index, "session_hash": "s1"}
    headers = {"X-Forwarded-For": "10.7.7.7"}
    with httpx.Client(timeout=60, headers=headers) as client:
        statuses = [client.post(url + "gradio_api/queue/join", json=body) for _ in range(12)]
        refused = [r for r in statuses if r.status_code == 429]
        assert refused and {r.text for r in refused} == {busy(share)}
        assert sum(r.status_code == 200 for r in statuses) <= share + Limits().max_concurrent_trainings + 1
        for response in statuses:  # the trainings that were admitted stop at once
            if response.status_code == 200:
                client.post(
                    url + "gradio_api/cancel",
                    json={"session_hash": "s1", "fn_index": fn_index, "event_id": response.json()["event_id"]},
                )


def run_event(client, url: str, session: str, fn_index: int, data: list) -> None:
    """One event of the page in `session`, as the browser sends it; returns once it has completed."""
    response = client.post(
        url + "gradio_api/queue/join", json={"data": data, "fn_index": fn_index, "session_hash": session}
    )
    assert response.status_code == 200, response.text
    with client.stream("GET", url + f"gradio_api/queue/data?session_hash={session}") as stream:
        for line in stream.iter_lines():
            if '"process_completed"' in line:
                return


def test_deep_links_are_bounded_on_disk_and_expire(upload_app):
    """Gradio's deep-link route (the Share button) writes a state.json per distinct state: the oldest go
    past the disk bound, and every one goes after its lifetime."""
    import httpx

    url, cache = upload_app
    links = cache / "deep_links"
    config = httpx.get(url + "config", timeout=30).json()
    fn_index = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "predict_both")
    sizes, gone, hashes = [], 0, []
    with httpx.Client(timeout=60) as client:
        for n in range(24):  # each a session with a sequence of its own: a distinct state each
            session = f"link{n}"
            run_event(client, url, session, fn_index, [f"{n}, 0.5, 0.25, 1", None])
            hashes.append(client.get(url + f"gradio_api/deep_link?session_hash={session}").json())
            try:
                sizes.append((links / hashes[-1] / "state.json").stat().st_size)
            except FileNotFoundError:  # trimmed before it could be measured (the guard works at once)
                gone += 1
    # States of one page differ only in their sequence: one trimmed unmeasured counts as the largest seen.
    written = sum(sizes) + gone * max(sizes)
    assert len(set(hashes)) == 24 and written > DEEP_LINK_DISK, (sizes, gone)
    wait_for(lambda: cache_bytes(links) <= DEEP_LINK_DISK, 30, "the deep links to be trimmed to their bound")
    wait_for(lambda: not any(links.rglob("state.json")), DEEP_LINK_TTL + 60, "the deep links to expire")


def test_no_server_path_reaches_a_visitor(upload_app):
    """The page, its config, the upload route's answer, an error and a training's answer name no path of the
    server; a file named relative to the upload folder still works in a call and on the file route."""
    import os
    import sys
    import tempfile

    import httpx

    url, _ = upload_app
    weights = Path(ROOT / "weights" / "craft" / "model.safetensors").read_bytes()
    with httpx.Client(timeout=60) as client:
        page, config = client.get(url).text, client.get(url + "config").text
        status, body = upload(url, ("model.safetensors", weights), address="10.5.5.5")  # a minute of its own
        assert status == 200, body
        (path,) = json.loads(body)
        served = client.get(url + f"gradio_api/file={path}")
        assert served.status_code == 200 and served.content == weights
        error = client.post(url + "gradio_api/queue/join", content=b'{"data": [], "fn_index": 99999}').text
        file = {"path": path, "meta": {"_type": "gradio.FileData"}}
        event = client.post(url + "gradio_api/call/predict_upload", json={"data": [file, COMPANY_B]}).json()
        result = client.get(url + f"gradio_api/call/predict_upload/{event['event_id']}").text
        # A training's weights file: named relative to the cache, and downloadable by that name.
        event = client.post(url + "gradio_api/call/train", json={"data": ["builtin", "fast", 300, 0.1, 1, "cpu"]})
        trained = client.get(url + f"gradio_api/call/train/{event.json()['event_id']}").text
        final = json.loads(trained.split("data:")[-1])
        (file_output,) = [v for v in final if isinstance(v, dict) and "path" in v]
        downloaded = client.get(file_output["url"])
        assert downloaded.status_code == 200 and len(downloaded.content) > 100
    prediction = json.loads(result.split("data:")[-1])[0]
    assert prediction == pytest.approx(load_model("craft").predict([1, 0.5, 0.25, 1])), result
    server_paths = {sys.prefix, os.path.realpath(sys.prefix), tempfile.gettempdir(), str(ROOT)}
    answers = {"page": page, "config": config, "upload": body.decode(), "error": error, "training": trained}
    for name, text in answers.items():
        for server_path in server_paths:
            assert server_path not in text, f"the {name} names {server_path}"


def test_a_deep_link_names_no_server_path_and_its_file_still_downloads(upload_app):
    """Gradio saves a session's absolute file paths in a deep link; its recipient's config must not
    show them, and the trained weights file it names must still download."""
    import os
    import sys
    import tempfile

    import httpx
    from gradio_client import Client

    url, _ = upload_app
    client = Client(url, verbose=False, headers={"X-Forwarded-For": "10.6.6.6"})
    *_, path = client.predict("builtin", "fast", 300, 0.1, 1, "cpu", api_name="/train")
    with httpx.Client(timeout=60) as http:
        link = http.get(url + f"gradio_api/deep_link?session_hash={client.session_hash}").json()
        config = http.get(url + f"config?deep_link={link}").text
        (saved,) = [
            c["props"]["value"]
            for c in json.loads(config)["components"]
            if isinstance(c.get("props", {}).get("value"), dict) and "path" in c["props"]["value"]
        ]
        downloaded = http.get(saved["url"])
    for server_path in {sys.prefix, os.path.realpath(sys.prefix), tempfile.gettempdir(), str(ROOT)}:
        assert server_path not in config, f"the deep link's config names {server_path}"
    assert downloaded.status_code == 200 and downloaded.content == Path(path).read_bytes()
