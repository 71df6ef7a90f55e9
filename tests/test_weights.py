import json
import os
import socket
import struct
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from conftest import REPO_FILES, ROOT, make_hub_cache, run_cli
from lstm_demo.errors import WeightsError
from lstm_demo.models import CraftLSTM, new_model
from lstm_demo.weights import (
    BUNDLED,
    EXPECTED,
    is_repo_id,
    load_file,
    load_model,
    publish,
    read_weights,
    save_model,
)


def test_bundled_weights_are_the_statquest_results():
    craft, builtin = load_model("craft"), load_model("builtin")
    assert craft.predict([0, 0.5, 0.25, 1]) == pytest.approx(0.0022, abs=1e-4)
    assert craft.predict([1, 0.5, 0.25, 1]) == pytest.approx(0.9693, abs=1e-4)
    assert builtin.predict([0, 0.5, 0.25, 1]) == pytest.approx(6.78e-05, abs=1e-4)
    assert builtin.predict([1, 0.5, 0.25, 1]) == pytest.approx(0.9809, abs=1e-4)


@pytest.mark.parametrize("kind", ["builtin", "craft"])
def test_weights_folders_hold_what_save_pretrained_writes(kind):
    folder = BUNDLED / kind
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "config.json", "model.safetensors"]
    assert json.loads((folder / "config.json").read_text()) == {"hidden_size": 1, "input_size": 1}
    card = (folder / "README.md").read_text()
    for needed in (
        "license: mit",
        "library_name: pytorch",
        "- lstm",
        "statquest",
        "seed | 42",
        "torch 2.13.0",
        f"python -m lstm_demo train --model {kind} --recipe statquest --out weights/{kind}",
        "load_model",
    ):
        assert needed in card, needed
    # The mixin's own loader reads the folder too.
    cls = type(load_model(kind))
    model = cls.from_pretrained(folder)
    assert model.predict([1, 0.5, 0.25, 1]) == pytest.approx(load_model(kind).predict([1, 0.5, 0.25, 1]))


def test_a_folder_a_file_and_the_repo_layout_all_load(tmp_path):
    model = new_model("craft", seed=1)
    save_model(model, tmp_path / "repo" / "craft", {"recipe": "fast"})
    expected = model.predict([1, 0.5])
    assert load_model("craft", tmp_path / "repo" / "craft").predict([1, 0.5]) == pytest.approx(expected)
    assert load_model("craft", tmp_path / "repo").predict([1, 0.5]) == pytest.approx(expected)
    assert load_file(tmp_path / "repo" / "craft" / "model.safetensors").predict([1, 0.5]) == pytest.approx(expected)
    with pytest.raises(WeightsError, match="weights of the craft model, not of the builtin model"):
        load_model("builtin", tmp_path / "repo" / "craft")


def _valid_state(kind="craft"):
    return {k: v.contiguous() for k, v in new_model(kind, seed=0).state_dict().items()}


def _bytes(state, tmp_path):
    path = tmp_path / "w.safetensors"
    save_file(state, path)
    return path.read_bytes()


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (lambda s: s.pop("w_xf"), "missing w_xf"),
        (lambda s: s.update(extra=torch.zeros(())), "unexpected extra"),
        (lambda s: s.update(w_xf=torch.zeros(2)), "Tensor w_xf has shape [2]; the craft model needs []"),
        (
            lambda s: s.update(w_xf=torch.zeros((), dtype=torch.float64)),
            "Tensor w_xf is float64; save the weights as float32",
        ),
        (lambda s: s.update(w_xf=torch.zeros((), dtype=torch.int32)), "Tensor w_xf is int32"),
        (lambda s: s.update(b_o=torch.tensor(float("nan"))), "Tensor b_o holds NaN or infinite values"),
        (lambda s: s.update(b_o=torch.tensor(float("inf"))), "Tensor b_o holds NaN or infinite values"),
    ],
)
def test_wrong_tensors_are_refused_with_a_sentence(tmp_path, mutate, fragment):
    state = _valid_state()
    mutate(state)
    with pytest.raises(WeightsError) as info:
        read_weights(_bytes(state, tmp_path))
    assert fragment in str(info.value)


def test_malformed_files_are_refused_with_a_sentence(tmp_path):
    good = _bytes(_valid_state(), tmp_path)
    header_len = struct.unpack("<Q", good[:8])[0]
    not_safetensors = "this is not a .safetensors file."
    cases = {
        b"": "The file is too short to be a .safetensors file: it is empty or truncated.",
        good[:6]: "The file is too short to be a .safetensors file: it is empty or truncated.",
        good[: len(good) // 2]: "The file's header claims more bytes than the file has: it is truncated or not a "
        ".safetensors file.",
        bytes(range(256)) * 3: f"The file's header is larger than safetensors allows: {not_safetensors}",
        struct.pack("<Q", 2**62) + b"{}": f"The file's header is larger than safetensors allows: {not_safetensors}",
        struct.pack("<Q", 5) + b"{nope": f"The file's header is not valid JSON: {not_safetensors}",
        struct.pack("<Q", 2) + b"[]": f"The file's header is not valid JSON: {not_safetensors}",
        good[:8]
        + good[8 : 8 + header_len].replace(b'"data_offsets":[0,4]', b'"data_offsets":[0,4000]')
        + good[8 + header_len :]: "The file's tensors do not fit the bytes it holds: it is damaged or not a "
        ".safetensors file.",
        good + b"extra": "The file holds bytes its header does not describe: it is damaged or not a .safetensors file.",
    }
    for data, sentence in cases.items():
        with pytest.raises(WeightsError) as info:
            read_weights(data)
        assert str(info.value) == sentence, data[:40]


def test_files_over_the_size_limit_are_refused_before_reading(tmp_path):
    path = tmp_path / "big.safetensors"
    path.write_bytes(b"\0" * (64 * 1024 + 1))
    with pytest.raises(WeightsError, match="limit 65,536 bytes"):
        load_file(path)


def test_save_is_atomic_and_leaves_no_staging_behind(tmp_path):
    target = tmp_path / "out"
    save_model(new_model("builtin", seed=0), target, {"recipe": "fast"})
    save_model(new_model("builtin", seed=1), target, {"recipe": "fast"})  # replaces the first
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    torch.testing.assert_close(load_model("builtin", target).state_dict(), new_model("builtin", seed=1).state_dict())


def _saved_once(tmp_path):
    """A folder holding one saved model, and that model's weights."""
    first = new_model("craft", seed=0)
    save_model(first, tmp_path / "out", {"recipe": "fast"})
    return tmp_path / "out", first.state_dict()


def test_a_write_that_fails_midway_leaves_the_previous_model_and_no_staging(tmp_path, monkeypatch):
    import safetensors.torch

    folder, before = _saved_once(tmp_path)

    def disk_full(tensors, filename, metadata=None):
        Path(filename).write_bytes(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safetensors.torch, "save_file", disk_full)
    with pytest.raises(OSError, match="No space left"):
        save_model(new_model("craft", seed=1), folder, {"recipe": "fast"})
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # the staging folder is gone
    torch.testing.assert_close(load_model("craft", folder).state_dict(), before)


def test_a_rename_that_fails_puts_the_previous_model_back(tmp_path, monkeypatch):
    folder, before = _saved_once(tmp_path)
    rename = Path.rename

    def refuse_the_staging_folder(self, target):
        if Path(target) == folder and "-old-" not in self.name:  # staging -> out, not the way back
            raise OSError(30, "Read-only file system")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", refuse_the_staging_folder)
    with pytest.raises(OSError, match="Read-only"):
        save_model(new_model("craft", seed=1), folder, {"recipe": "fast"})
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    torch.testing.assert_close(load_model("craft", folder).state_dict(), before)


def test_a_file_where_the_folder_should_be_fails_before_writing_anything(tmp_path):
    (tmp_path / "blocked").write_text("not a folder")  # fails as root too, unlike a read-only folder
    with pytest.raises(OSError):
        save_model(new_model("craft", seed=0), tmp_path / "blocked" / "out")
    assert [p.name for p in tmp_path.iterdir()] == ["blocked"]


def test_save_leaves_the_callers_model_as_it_was(tmp_path):
    model = new_model("craft", seed=3).train()
    parameters = dict(model.named_parameters())
    values = {name: p.detach().clone() for name, p in parameters.items()}
    save_model(model, tmp_path / "out")
    assert dict(model.named_parameters()) == parameters  # the same tensor objects
    assert all(p.device.type == "cpu" and p.requires_grad for p in model.parameters())
    torch.testing.assert_close(dict(model.named_parameters()), values, rtol=0, atol=0)
    assert model.training


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_save_leaves_a_gpu_model_on_the_gpu(tmp_path):
    model = new_model("builtin", seed=3).to("cuda")
    save_model(model, tmp_path / "out")
    assert {p.device.type for p in model.parameters()} == {"cuda"}
    torch.testing.assert_close(load_model("builtin", tmp_path / "out").state_dict(), model.cpu().state_dict())


@pytest.fixture
def hub_cache(tmp_path):
    cache = tmp_path / "hub"
    commit = "0123456789abcdef0123456789abcdef01234567"
    make_hub_cache(cache, "lstm-demo/lstm-weights", commit, BUNDLED)
    return cache, commit


def test_hub_repo_loads_from_the_cache_offline_by_repo_id_and_pinned_revision(hub_cache):
    cache, commit = hub_cache
    env = {"HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(cache)}
    for extra in ([], ["--revision", commit]):
        done = run_cli(
            "predict",
            "--model",
            "craft",
            "--weights",
            "lstm-demo/lstm-weights",
            *extra,
            "--json",
            "1, 0.5, 0.25, 1",
            env=env,
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["prediction"] == pytest.approx(0.9693, abs=1e-4)
    from huggingface_hub import scan_cache_dir

    (repo,) = scan_cache_dir(cache).repos
    assert repo.repo_id == "lstm-demo/lstm-weights" and {r.commit_hash for r in repo.revisions} == {commit}


def test_hub_revision_not_in_the_cache_is_a_clear_error(hub_cache):
    cache, _ = hub_cache
    env = {"HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(cache)}
    done = run_cli(
        "predict", "--model", "craft", "--weights", "lstm-demo/lstm-weights", "--revision", "f" * 40, "1", env=env
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip() == f"error: lstm-demo/lstm-weights@{'f' * 40} is not in the local Hugging Face cache "
        "and the Hub cannot be reached."
    )


def _load_pretrained_in_a_fresh_process(env):
    code = (
        "import json, lstm_demo; p = lstm_demo.load_pretrained(); "
        "print(json.dumps([p.source, p.models['craft'].predict([1, 0.5, 0.25, 1])]))"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_space_loads_the_hub_repo_named_by_the_environment(hub_cache):
    cache, commit = hub_cache
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_CACHE": str(cache),
        "LSTM_DEMO_HUB_REPO": "lstm-demo/lstm-weights",
        "LSTM_DEMO_HUB_REVISION": commit,
    }
    done = _load_pretrained_in_a_fresh_process(env)
    assert done.returncode == 0, done.stderr
    source, prediction = json.loads(done.stdout)
    assert source == f"the Hub repo lstm-demo/lstm-weights@{commit}"
    assert prediction == pytest.approx(load_model("craft").predict([1, 0.5, 0.25, 1]))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hub_env(tmp_path, endpoint: str, timeout: str) -> dict:
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "0",
        "HF_ENDPOINT": endpoint,
        "HF_HUB_CACHE": str(tmp_path / "empty"),
        "LSTM_DEMO_HUB_REPO": "lstm-demo/lstm-weights",
        "LSTM_DEMO_HUB_TIMEOUT_SECONDS": timeout,
    }


def test_space_falls_back_to_bundled_weights_when_the_hub_refuses_the_connection(tmp_path):
    env = _hub_env(tmp_path, f"http://127.0.0.1:{_free_port()}", "60")  # nothing listens there
    done = _load_pretrained_in_a_fresh_process(env)
    assert done.returncode == 0, done.stderr
    source, prediction = json.loads(done.stdout)
    assert source == "the bundled weights (the Hub repo lstm-demo/lstm-weights could not be loaded)"
    assert prediction == pytest.approx(load_model("craft").predict([1, 0.5, 0.25, 1]))
    (warning,) = [line for line in done.stderr.splitlines() if "Serving the bundled weights" in line]
    assert "is not in the local Hugging Face cache and the Hub cannot be reached" in warning


def test_a_hub_that_never_answers_means_the_bundled_weights_and_the_process_still_ends(tmp_path):
    # A server that accepts connections and never answers: huggingface_hub's own timeouts do not
    # cover its first request, so only load_pretrained's own time limit ends the wait.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        env = _hub_env(tmp_path, f"http://127.0.0.1:{silent.getsockname()[1]}", "2")
        done = _load_pretrained_in_a_fresh_process(env)  # its timeout (120 s) fails the test if the exit hangs
    assert done.returncode == 0, done.stderr
    source, _ = json.loads(done.stdout)
    assert source == "the bundled weights (the Hub repo lstm-demo/lstm-weights could not be loaded)"
    (warning,) = [line for line in done.stderr.splitlines() if "Serving the bundled weights" in line]
    assert warning.endswith("(no answer from the Hub within 2 s)")


@pytest.mark.parametrize("text", ["someone/lstm-weights", "lstm-demo/lstm.weights_2"])
def test_hub_repo_ids_are_the_hubs_own(text):
    assert is_repo_id(text)


@pytest.mark.parametrize(
    # a bare name is a valid Hub id, but here more likely a folder that is not there
    "text",
    [
        "no-such-folder",
        "../../no-such-folder",
        "a/b/c",
        "user/na me",
        "user/name.",
        "user/a--b",
        "u/" + "n" * 97,
        "/abs/path",
    ],
)
def test_what_is_not_a_repo_id_is_refused_with_a_sentence(text):
    assert not is_repo_id(text)
    with pytest.raises(WeightsError) as info:
        load_model("craft", text)
    sentence = f"{text[:80]!r} is neither a folder, a .safetensors file nor a Hub repo id like 'user/name'."
    assert str(info.value) == sentence
    with pytest.raises(WeightsError, match="is not a Hub repo id like 'user/name'"):
        publish(text, dry_run=True)


def test_publish_dry_run_lists_the_repo_layout():
    listing = publish("lstm-demo/lstm-weights", dry_run=True)
    names = [line.split(" ")[0] for line in listing]
    assert names == REPO_FILES


def test_publish_leaves_out_hidden_leftovers(tmp_path, monkeypatch):
    import shutil

    import huggingface_hub
    from huggingface_hub.utils import filter_repo_objects

    folder = tmp_path / "weights"
    shutil.copytree(BUNDLED, folder)
    (folder / ".craft-k2j4").mkdir()  # what an interrupted save leaves
    (folder / ".craft-k2j4" / "model.safetensors").write_bytes(b"half a file")
    (folder / "craft" / ".README.md.swp").write_bytes(b"an editor's")
    uploads = []
    monkeypatch.setattr(huggingface_hub.HfApi, "create_repo", lambda self, *a, **kw: None)
    monkeypatch.setattr(huggingface_hub.HfApi, "upload_folder", lambda self, **kw: uploads.append(kw))
    listed = [line.split()[0] for line in publish("someone/lstm-weights", folder=folder)]
    assert listed == [
        p.relative_to(BUNDLED).as_posix() for p in sorted(BUNDLED.rglob("*")) if p.is_file()
    ]  # what the clean folder holds
    (upload,) = uploads
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    sent = filter_repo_objects(
        on_disk, allow_patterns=upload.get("allow_patterns"), ignore_patterns=upload.get("ignore_patterns")
    )
    assert list(sent) == listed


def test_expected_layouts_name_every_parameter():
    assert set(EXPECTED["craft"]) == set(CraftLSTM.PARAMETER_NAMES)
    assert EXPECTED["builtin"] == {
        "lstm.weight_ih_l0": (4, 1),
        "lstm.weight_hh_l0": (4, 1),
        "lstm.bias_ih_l0": (4,),
        "lstm.bias_hh_l0": (4,),
    }
