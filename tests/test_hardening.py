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
UPLOAD_FILES = 32
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
        "LSTM_DEMO_MAX_UPLOAD_FILES": str(UPLOAD_FILES),
        "GRADIO_TEMP_DIR": str(folder / "cache"),
        "LSTM_DEMO_MAX_DEEP_LINK_DISK_BYTES": str(DEEP_LINK_DISK),
        "LSTM_DEMO_DEEP_LINK_TTL_SECONDS": str(DEEP_LINK_TTL),
    }
    with running_app(env, log_path=folder / "log.txt") as (url, _):
        yield url, folder / "cache"


def multipart(*files: tuple[str, bytes], boundary: str = "----lstmdemoboundary") -> bytes:
    """A multipart body with one part per file (field "files"), as a browser sends it."""
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
    return body + f"--{boundary}--\r\n".encode()


def upload(url: str, *files: tuple[str, bytes], address: str | None = None) -> tuple[int, bytes]:
    """POST files to Gradio's upload route as a browser does (multipart, field "files")."""
    headers = {"Content-Type": "multipart/form-data; boundary=----lstmdemoboundary"}
    body = multipart(*files)
    return post(url + "gradio_api/upload", body, {**headers, **({"X-Forwarded-For": address} if address else {})})


def cache_use(folder) -> tuple[int, int]:
    """(the disk the files and folders under `folder` take, in blocks as bytes; how many files). The
    server may be removing some while this counts."""
    import os

    total, count = 0, 0
    for root, folders, files in os.walk(folder):  # a folder removed meanwhile is skipped, not an error
        for name, is_file in [(n, False) for n in folders] + [(n, True) for n in files]:
            try:
                total += os.stat(os.path.join(root, name)).st_blocks * 512
                count += is_file
            except FileNotFoundError:
                pass
    return total, count


def cache_bytes(folder) -> int:
    return cache_use(folder)[0]


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
    # The cache is trimmed after each upload to the disk it really takes, the oldest files first; the
    # newest stays.
    wait_for(lambda: cache_bytes(cache) <= UPLOAD_DISK, 30, "the cache to be trimmed to its bound on disk")
    assert not (cache / paths[0]).exists() and (cache / paths[-1]).exists()  # named relative to the cache


SPELLINGS = [  # how a Content-Type may name the boundary X; Gradio's parser reads every part of each
    "multipart/form-data; Boundary=X",
    'multipart/form-data; BOUNDARY="X"',
    "multipart/form-data; xboundary=Z; boundary=X",
    "multipart/form-data; boundary=Z; boundary=X",
    'Multipart/Form-Data;boundary="X"; charset=utf-8',
]


@pytest.mark.parametrize("content_type", SPELLINGS)
def test_any_spelling_of_the_boundary_stores_at_most_one_file(upload_app, content_type):
    url, cache = upload_app
    tag = f"spelling{SPELLINGS.index(content_type)}"
    files = [(f"{tag}-{n}.safetensors", b"0" * 100) for n in range(3)]
    headers = {"Content-Type": content_type, "X-Forwarded-For": f"10.9.0.{SPELLINGS.index(content_type)}"}
    status, body = post(url + "gradio_api/upload", multipart(*files, boundary="X"), headers)
    assert (status, body) == (413, b"Send one file per upload.")
    assert not list(cache.rglob(f"{tag}-*")), "a refused upload stored files"
    # One file under the same spelling is taken.
    status, body = post(url + "gradio_api/upload", multipart(files[0], boundary="X"), headers)
    assert status == 200 and json.loads(body)[0].endswith(files[0][0]), body


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=", "application/json", "multipart/form-data; boundary=Y"],
)
def test_an_upload_the_parser_cannot_read_is_refused_with_one_sentence(upload_app, content_type):
    url, cache = upload_app
    headers = {"Content-Type": content_type, "X-Forwarded-For": "10.9.1.1"}
    body = multipart(("unreadable.safetensors", b"0" * 100), boundary="X")  # its parts are not Y's
    status, answer = post(url + "gradio_api/upload", body, headers)
    assert (status, answer) == (400, b"This upload could not be read: send one file as multipart/form-data.")
    assert not list(cache.rglob("unreadable*"))


def test_the_cache_is_bounded_in_files(upload_app):
    """Small files take a block each (and their folder one more): many of them stay under any bound in
    bytes, so the cache is bounded in files too, the oldest going first."""
    url, cache = upload_app
    names = []
    for n in range(UPLOAD_FILES + 8):  # each from an address of its own: the rate does not stop them
        status, body = upload(url, (f"tiny{n}.safetensors", b"1"), address=f"10.8.{n // 200}.{n % 200}")
        assert status == 200, body
        names.append(json.loads(body)[0])
    wait_for(lambda: cache_use(cache)[1] <= UPLOAD_FILES, 30, f"the cache to be trimmed to {UPLOAD_FILES} files")
    assert not (cache / names[0]).exists() and (cache / names[-1]).exists()


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


DIRECT_TTL = 3600


@pytest.fixture(scope="module")
def direct_app(tmp_path_factory):
    """An app reached directly, as off a Space (no SYSTEM, no trusted proxy), with default limits. Before
    it starts, its cache holds two deep links a previous run left: one past its lifetime, one not."""
    import os
    import time

    from server import running_app

    folder = tmp_path_factory.mktemp("direct-app")
    links = folder / "cache" / "deep_links"
    for name, age in (("expired", 2 * DIRECT_TTL), ("recent", 60)):
        state = links / name / "state.json"
        state.parent.mkdir(parents=True)
        state.write_text("[]")
        os.utime(state, (time.time() - age, time.time() - age))
    env = {
        "GRADIO_TEMP_DIR": str(folder / "cache"),
        "LSTM_DEMO_DEEP_LINK_TTL_SECONDS": str(DIRECT_TTL),
        "LSTM_DEMO_MAX_TRAIN_SECONDS": "30",
    }
    with pytest.MonkeyPatch.context() as patch:  # the app inherits the test's environment
        for name in ("SYSTEM", "LSTM_DEMO_TRUSTED_PROXIES", "FORWARDED_ALLOW_IPS"):
            patch.delenv(name, raising=False)
        with running_app(env, log_path=folder / "log.txt") as (url, _):
            yield url, folder


def test_deep_links_a_previous_run_left_past_their_lifetime_go_at_start(direct_app):
    _, folder = direct_app
    links = folder / "cache" / "deep_links"
    wait_for(lambda: not (links / "expired").exists(), 30, "the expired deep link to be swept at start")
    assert (links / "recent" / "state.json").exists()


def test_a_direct_client_cannot_choose_its_address_for_uploads(direct_app):
    """Off a Space no proxy is trusted: a client that names a new X-Forwarded-For for each upload is
    still one address, and gets its 30 uploads a minute."""
    url, _ = direct_app
    per_minute = Limits().max_uploads_per_minute
    statuses = [upload(url, ("w.safetensors", b"1"), address=f"10.4.0.{n}")[0] for n in range(per_minute + 5)]
    assert statuses.count(200) <= per_minute and statuses.count(429) >= 5, statuses


def test_a_direct_client_cannot_choose_its_address_for_trainings(direct_app):
    """Eight trainings, each from a fresh session naming its own X-Forwarded-For: past the address's share
    they are refused as if the header were not there."""
    import httpx

    from lstm_demo.ui.guard import busy

    url, _ = direct_app
    limits = Limits()
    fn_index = next(
        d["id"] for d in httpx.get(url + "config", timeout=30).json()["dependencies"] if d.get("api_name") == "train"
    )
    admitted = []
    with httpx.Client(timeout=60) as client:
        for n in range(8):
            body = {"data": ["craft", "fast", 10_000, 0.01, 1, "cpu", None], "fn_index": fn_index}
            body["session_hash"] = f"forwarded{n}"
            response = client.post(url + "gradio_api/queue/join", json=body, headers={"X-Forwarded-For": f"10.3.0.{n}"})
            if response.status_code == 200:
                admitted.append((body["session_hash"], response.json()["event_id"]))
            else:
                assert (response.status_code, response.text) == (429, busy(limits.max_waiting_trainings_per_address))
        for session, event_id in admitted:  # the admitted trainings stop at once
            client.post(
                url + "gradio_api/cancel", json={"session_hash": session, "fn_index": fn_index, "event_id": event_id}
            )
    assert len(admitted) <= limits.max_waiting_trainings_per_address + limits.max_concurrent_trainings + 1, admitted


def test_the_v2_call_route_serves_by_parameter_name_and_answers_every_call_with_a_sentence(direct_app):
    """The API page's curl lines call /gradio_api/call/v2/<api> with the parameters by name: they work;
    a body the route cannot take gets one sentence before Gradio sees it, and 200 calls leave the log
    small and no 500."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    url, folder = direct_app
    log = folder / "log.txt"
    expected = load_model("craft").predict([1, 0.5, 0.25, 1])
    bad = [
        ({"data": [COMPANY_B, "craft"]}, 422, "/predict has no parameter 'data'; its parameters are sequence, model."),
        ({"model": "craft"}, 422, "/predict needs a value for 'sequence'; its parameters are sequence, model."),
        ([COMPANY_B], 422, "A call to /predict is a JSON object of its parameters (sequence, model)."),
        ("{", 422, "This request is not a call this server understands"),
    ]

    def call(n: int) -> tuple[int, str]:
        with httpx.Client(timeout=60) as client:
            if n % 2 == 0:  # a good call, the second half leaving `model` to its default
                body = {"sequence": COMPANY_B, "model": "craft"} if n < 100 else {"sequence": COMPANY_B}
                response = client.post(url + "gradio_api/call/v2/predict", json=body)
                if response.status_code != 200:
                    return response.status_code, response.text
                event = response.json()["event_id"]
                answer = client.get(url + f"gradio_api/call/v2/predict/{event}").text
                assert "event: complete" in answer and json.loads(answer.split("data:")[-1])[0] == pytest.approx(
                    expected
                ), answer
                return 200, ""
            if n % 10 == 1:
                response = client.post(url + "gradio_api/call/v2/no_such_endpoint", json={"sequence": COMPANY_B})
                status, sentence = 404, "This server has no such function."
            else:
                body, status, sentence = bad[(n // 2) % len(bad)]
                content = body if isinstance(body, str) else json.dumps(body)
                headers = {"Content-Type": "application/json"}
                response = client.post(url + "gradio_api/call/v2/predict", content=content, headers=headers)
            assert response.status_code == status and response.text.startswith(sentence), (n, response.text)
            return response.status_code, ""

    before = log.stat().st_size
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(call, range(200)))
    grown = log.stat().st_size - before
    assert not [a for a in answers if a[0] >= 500], answers
    assert sum(a[0] == 200 for a in answers) == 100, answers
    assert grown < 20_000, f"200 v2 calls grew the server's log by {grown:,} bytes"


def test_a_refusal_reads_in_the_language_the_request_asks_for(direct_app):
    url, _ = direct_app
    limit = Limits().max_request_bytes
    status, body = post(url + "gradio_api/queue/join", FIVE_MB, {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert (status, body.decode()) == (413, f"请求超过了本服务器接受的大小（{limit:,} 字节）。")
    status, body = post(url + "gradio_api/queue/join", b"[1, 2]", {"Accept-Language": "zh-TW"})
    assert status == 422 and body.decode().startswith("本服务器无法理解这个请求") and body.decode().endswith("。")
    status, body = post(url + "gradio_api/queue/join", b"[1, 2]", {"Accept-Language": "en-GB,zh;q=0.5"})
    assert status == 422 and body.decode().startswith("This request is not a call")


def test_a_trusted_proxy_is_one_a_setting_names(monkeypatch):
    """uvicorn believes X-Forwarded-For from 127.0.0.1 unless told: the Space tells it explicitly, from
    LSTM_DEMO_TRUSTED_PROXIES (none when unset); a value that names no address stops the start."""
    import os

    from lstm_demo.errors import LimitsError
    from lstm_demo.ui.guard import trust_proxies

    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "127.0.0.1")
    monkeypatch.delenv("LSTM_DEMO_TRUSTED_PROXIES", raising=False)
    assert trust_proxies() == "" == os.environ["FORWARDED_ALLOW_IPS"]
    monkeypatch.setenv("LSTM_DEMO_TRUSTED_PROXIES", " 10.0.0.1, 192.168.0.0/16 ")
    assert trust_proxies() == "10.0.0.1,192.168.0.0/16" == os.environ["FORWARDED_ALLOW_IPS"]
    monkeypatch.setenv("LSTM_DEMO_TRUSTED_PROXIES", "*")
    with pytest.raises(LimitsError) as info:
        trust_proxies()
    assert str(info.value) == (
        "LSTM_DEMO_TRUSTED_PROXIES must list IP addresses or networks separated by commas, not '*'."
    )


def test_an_error_that_escapes_a_route_is_one_sentence_and_logged_once_per_kind(monkeypatch, tmp_path, caplog):
    """What a route fails to catch would reach uvicorn, which logs a full traceback per request: the guard
    answers one sentence (in the request's language) and logs the traceback once, then a line at the 10th."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from lstm_demo.ui.guard import RequestGuard

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path))

    def broken(request):
        raise KeyError("a route's own mistake")

    app = Starlette(routes=[Route("/broken", broken)], middleware=[Middleware(RequestGuard, limits=Limits())])
    with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level("ERROR", "lstm_demo.space"):
        answers = [client.get("/broken") for _ in range(12)]
        chinese = client.get("/broken", headers={"Accept-Language": "zh-CN"})
    assert {(a.status_code, a.text) for a in answers} == {
        (500, "The server could not answer this request; it has been logged.")
    }
    assert (chinese.status_code, chinese.text) == (500, "服务器无法回答这个请求；它已被记录。")
    logged = [r.getMessage() for r in caplog.records if "KeyError" in r.getMessage()]
    assert len(logged) == 2 and "10 times so far" in logged[1] and "\n" not in logged[1], logged
