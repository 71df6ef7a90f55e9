"""The one loader of weights (bundled folder, any folder or file, a Hub repo), saving, publishing.

Every source ends as a local `model.safetensors` that `read_weights` validates before a model is
built. safetensors checks the file's structure (header, offsets); this module checks what it does
not: the size, the tensor names (which also tell the model), shapes, dtype and finiteness. Nothing
is ever unpickled.

Hub layout (one model repo, as `weights/` here):
    README.md                  the repo's card, pointing at the two models
    builtin/model.safetensors  builtin/config.json  builtin/README.md
    craft/model.safetensors    craft/config.json    craft/README.md
"""

from __future__ import annotations

import json
import math
import logging
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .errors import WeightsError
from .messages import say
from .limits import Limits
from .models import MODEL_CLASSES, MODEL_KINDS, LSTMModel, check_kind

log = logging.getLogger("lstm_demo")

BUNDLED = Path(__file__).resolve().parent.parent / "weights"
WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
# Environment variables that point the Space at a Hub repo instead of the bundled weights.
REPO_ENV, REVISION_ENV = "LSTM_DEMO_HUB_REPO", "LSTM_DEMO_HUB_REVISION"


def _expected_shapes(kind: str) -> dict[str, tuple[int, ...]]:
    return {name: tuple(t.shape) for name, t in MODEL_CLASSES[kind]().state_dict().items()}


EXPECTED = {kind: _expected_shapes(kind) for kind in MODEL_KINDS}


# safetensors' own reasons for refusing a file -> the catalogue's sentence for it, in words a person
# understands. A reason not listed here is shown as safetensors words it.
_SAFETENSORS_REASONS = {
    "header too small": "safetensors.too_small",
    "invalid header length": "safetensors.header_length",
    "header too large": "safetensors.header_large",
    "invalid JSON in header": "safetensors.header_json",
    "invalid shape, data type, or offset": "safetensors.offsets",
    "incomplete metadata": "safetensors.metadata",
}


def _safetensors_error(error: Exception) -> WeightsError:
    reason = str(error).removeprefix("Error while deserializing: ")
    for start, key in _SAFETENSORS_REASONS.items():
        if reason.startswith(start):
            return WeightsError(key=key)
    return WeightsError(key="safetensors.other", params={"reason": reason[:100]})


def detect_kind(names: set[str]) -> str:
    """Which model a set of tensor names belongs to, or a sentence saying what is off."""
    for kind in MODEL_KINDS:
        if names == set(EXPECTED[kind]):
            return kind
    best = max(MODEL_KINDS, key=lambda k: len(names & set(EXPECTED[k])))
    missing = sorted(set(EXPECTED[best]) - names)
    extra = sorted(names - set(EXPECTED[best]))
    params = {
        "missing": f"{', '.join(missing[:4])}{' ...' if len(missing) > 4 else ''}",
        "extra": f"{', '.join(n[:40] for n in extra[:4])}{' ...' if len(extra) > 4 else ''}",
    }
    which = "both" if missing and extra else ("missing" if missing else "extra")
    raise WeightsError(key=f"weights.layout.{which}", params=params)


def read_weights(data: bytes, kind: str | None = None) -> tuple[str, dict[str, torch.Tensor]]:
    """Validate the bytes of a .safetensors file; return the model kind and its tensors.

    float32 only: other dtypes are refused, not cast, so that what a visitor sees is what they sent.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load as load_safetensors

    try:
        state = load_safetensors(data)
    except SafetensorError as exc:
        raise _safetensors_error(exc) from None
    except Exception as exc:  # the parser is native code; any other failure still means a bad file
        raise WeightsError(key="safetensors.unreadable", params={"error": type(exc).__name__}) from None
    found = detect_kind(set(state))
    if kind is not None and found != check_kind(kind):
        raise WeightsError(key="weights.wrong_kind", params={"found": found, "kind": kind})
    for name, tensor in state.items():
        if tuple(tensor.shape) != EXPECTED[found][name]:
            shapes = {"shape": list(tensor.shape), "needed": list(EXPECTED[found][name])}
            raise WeightsError(key="weights.shape", params={"name": name, "kind": found, **shapes})
        if tensor.dtype != torch.float32:
            dtype = str(tensor.dtype).removeprefix("torch.")
            raise WeightsError(key="weights.dtype", params={"name": name, "dtype": dtype})
        if not torch.isfinite(tensor).all():
            raise WeightsError(key="weights.not_finite", params={"name": name})
    return found, state


def model_from_state(kind: str, state: dict[str, torch.Tensor]) -> LSTMModel:
    model = MODEL_CLASSES[kind]()
    model.load_state_dict(state, strict=True)
    return model.eval()


def load_file(path: str | Path, kind: str | None = None, limits: Limits | None = None) -> LSTMModel:
    """A model from one .safetensors file (a folder's, or a visitor's upload), validated."""
    limits = limits or Limits.from_env()
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.max_upload_bytes:
            raise WeightsError(key="weights.too_large", params={"size": size, "limit": limits.max_upload_bytes})
        data = path.read_bytes()
    except OSError as exc:
        raise WeightsError(key="weights.file_unreadable", params={"name": path.name, "reason": exc.strerror}) from None
    found, state = read_weights(data, kind)
    return model_from_state(found, state)


def _check_config(folder: Path) -> None:
    config_path = folder / CONFIG_FILE
    if not config_path.exists():
        return
    try:
        config = json.loads(config_path.read_text())
    except (OSError, ValueError):
        raise WeightsError(key="weights.config_json", params={"file": CONFIG_FILE, "folder": folder}) from None
    if not isinstance(config, dict) or any(config.get(k, 1) != 1 for k in ("input_size", "hidden_size")):
        raise WeightsError(key="weights.config_model", params={"file": CONFIG_FILE, "folder": folder})


def is_repo_id(text: str) -> bool:
    """Whether `text` is a Hub model repo id 'owner/name', by huggingface_hub's own rules."""
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    # The Hub also takes a bare name ("gpt2"); here "1" or "weight" is far more likely a folder
    # that is not there, and every repo this project loads or publishes has an owner.
    if "/" not in text:
        return False
    try:
        validate_repo_id(text)
    except HFValidationError:
        return False
    return True


def load_model(kind: str, source: str | Path | None = None, revision: str | None = None) -> LSTMModel:
    """The one loader: `source` is None (bundled), a folder, a .safetensors file or a Hub repo id.

    A folder may be one model's (holding model.safetensors) or the repo layout (holding
    builtin/ and craft/). A repo id goes through huggingface_hub and its cache, so it honours
    HF_HUB_OFFLINE and HF_HUB_CACHE; `revision` pins a branch, tag or commit.
    """
    kind = check_kind(kind)
    folder = resolve_folder(kind, source, revision)
    if folder.is_file():
        return load_file(folder, kind)
    _check_config(folder)
    return load_file(folder / WEIGHTS_FILE, kind)


def resolve_folder(kind: str, source: str | Path | None, revision: str | None = None) -> Path:
    """Where `kind`'s weights lie on disk for this source (downloading a Hub repo into the cache)."""
    if source is None or str(source) == "":
        return BUNDLED / kind
    path = Path(source)
    if path.is_file():
        return path
    if path.is_dir():
        for candidate in (path, path / kind):
            if (candidate / WEIGHTS_FILE).is_file():
                return candidate
        raise WeightsError(key="weights.folder_empty", params={"folder": path, "file": WEIGHTS_FILE, "kind": kind})
    if not is_repo_id(str(source)):
        raise WeightsError(key="weights.source_unknown", params={"source": str(source)[:80]})
    return Path(download(str(source), revision)) / kind


def download(repo_id: str, revision: str | None = None) -> str:
    """Both models' files of a Hub repo, through the local cache; returns the snapshot folder."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError
    from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError

    at = f"{repo_id}@{revision}" if revision else repo_id
    try:
        return snapshot_download(repo_id, revision=revision, allow_patterns=[f"{k}/*" for k in MODEL_KINDS])
    except LocalEntryNotFoundError:
        raise WeightsError(key="hub.offline", params={"at": at}) from None
    except RevisionNotFoundError:
        raise WeightsError(key="hub.no_revision", params={"repo": repo_id, "revision": revision}) from None
    except RepositoryNotFoundError:
        raise WeightsError(key="hub.no_repo", params={"repo": repo_id}) from None
    except (HfHubHTTPError, OSError) as exc:
        raise WeightsError(key="hub.download", params={"at": at, "error": type(exc).__name__}) from None


@dataclass
class Pretrained:
    """The models the Space serves, and a sentence saying where they came from."""

    models: dict[str, LSTMModel]
    source: str  # English, for logs and scripts
    source_key: str = "source.bundled"  # the same in the catalogue (lstm_demo.messages), for the page
    source_params: dict = field(default_factory=dict)

    def source_text(self, language: str = "en") -> str:
        """Where the weights came from, in `language`."""
        return say(self.source_key, language, **self.source_params)


def _within(seconds: float, work: Callable[[], object], name: str) -> object:
    """work()'s result, or TimeoutError once `seconds` have passed without one.

    work() runs in a daemon thread: huggingface_hub's own timeouts do not cover the repo-info
    request that snapshot_download makes first, which a silent server holds forever (test_weights.py),
    and concurrent.futures' threads are not daemons (the interpreter would wait for them at exit).
    After a timeout the thread is left to finish or hang on its own: its result goes into a queue
    only it still references. Meanwhile it may hold huggingface_hub's lock on that repo's cache files.
    """
    results: queue.SimpleQueue = queue.SimpleQueue()

    def run() -> None:
        try:
            results.put((True, work()))
        except Exception as exc:  # handed to the caller's thread below
            results.put((False, exc))

    threading.Thread(target=run, name=name, daemon=True).start()
    try:
        ok, value = results.get(timeout=seconds)
    except queue.Empty:
        raise TimeoutError from None
    if not ok:
        raise value
    return value


def load_pretrained(environ: dict[str, str] | None = None, limits: Limits | None = None) -> Pretrained:
    """Both pretrained models for the Space: from the Hub repo the environment names, else bundled.

    Without a pinned revision, a Hub that cannot be reached within the limit's seconds means the
    bundled weights, with one log line. A pinned revision (LSTM_DEMO_HUB_REVISION) that cannot be
    loaded is an error: serving other weights than the ones pinned would mislead.
    """
    environ = os.environ if environ is None else environ
    limits = limits or Limits.from_env(environ)
    repo, revision = environ.get(REPO_ENV, "").strip(), environ.get(REVISION_ENV, "").strip() or None
    if not repo:
        return Pretrained({kind: load_model(kind) for kind in MODEL_KINDS}, say("source.bundled"))
    at = f"{repo}@{revision}" if revision else repo
    try:
        models = _within(
            limits.hub_timeout_seconds,
            lambda: {kind: load_model(kind, repo, revision) for kind in MODEL_KINDS},
            name="hub-weights",
        )
        return Pretrained(models, say("source.hub", at=at), "source.hub", {"at": at})  # type: ignore[arg-type]
    except TimeoutError:
        reason = f"no answer from the Hub within {limits.hub_timeout_seconds:g} s"
    except WeightsError as exc:
        reason = exc  # written in the error's language with the rest
    except Exception as exc:  # a failure inside huggingface_hub it does not name: still no weights from the Hub
        reason = f"{type(exc).__name__} inside huggingface_hub"
    if revision:
        raise WeightsError(key="weights.pinned", params={"at": at, "reason": reason})
    log.warning("Serving the bundled weights: the Hub repo %s could not be loaded (%s)", at, reason)
    bundled = {kind: load_model(kind) for kind in MODEL_KINDS}
    return Pretrained(bundled, say("source.fallback", at=at), "source.fallback", {"at": at})


def _card_kwargs(kind: str, card: dict) -> dict:
    """The card template's values: the run's (`card`), and what the data, models and recipes know."""
    from .cards import card_kwargs
    from .data import COMPANIES, format_sequence
    from .recipes import OPTIMIZERS, RECIPES, get_recipe

    text = card.get("recipe_text")  # a training's summary says it; a card naming only a recipe takes its own
    if text is None:
        text = get_recipe(card["recipe"], kind).describe() if card.get("recipe") in RECIPES else "custom"
    companies = [(c.name, format_sequence(c.sequence), c.label, c.key) for c in COMPANIES]
    optimizer = OPTIMIZERS.get(card.get("optimizer", ""), "unknown")
    names = dict(class_name=MODEL_CLASSES[kind].__name__, companies=companies, recipe_text=text, optimizer=optimizer)
    return card_kwargs(kind, card, **names)


def save_model(model: LSTMModel, folder: str | Path, card: dict | None = None) -> Path:
    """What save_pretrained writes (model.safetensors, config.json, README.md), written atomically.

    Everything is written into a temporary folder beside `folder` and then renamed over it, so a
    full or read-only disk never leaves a half-written model behind: after a failure `folder` holds
    what it held before (or does not exist), and no temporary folder is left. The caller's model
    is not touched: a CPU copy of its weights is saved.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    old = None
    try:
        cpu_state = {name: tensor.detach().to("cpu", copy=True) for name, tensor in model.state_dict().items()}
        model_from_state(model.kind, cpu_state).save_pretrained(
            staging, model_card_kwargs=_card_kwargs(model.kind, card or {})
        )
        staging.chmod(0o755)  # mkdtemp's 0700 would hide the model from other users
        for path in staging.iterdir():
            path.chmod(0o644)
        if folder.exists():
            old = folder.with_name(f".{folder.name}-old-{os.getpid()}-{threading.get_ident()}")
            folder.rename(old)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None and not folder.exists():
            old.rename(folder)  # the previous model goes back where it was
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return folder


def publish(repo_id: str, dry_run: bool = False, folder: Path = BUNDLED) -> list[str]:
    """Upload the bundled weights folder to a Hub model repo (layout in this module's docstring).

    Returns the files it uploads (or would, with dry_run), as "path (bytes)". Hidden files and
    folders (a save's leftovers, editor files) are neither listed nor uploaded.
    """
    if not is_repo_id(repo_id):
        raise WeightsError(key="hub.repo_id", params={"repo": repo_id[:80]})
    folder = Path(folder)
    files = sorted(
        path.relative_to(folder)
        for path in folder.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )
    for kind in MODEL_KINDS:
        load_model(kind, folder)  # never publish weights the loader would refuse
    listing = [f"{path.as_posix()} ({(folder / path).stat().st_size} bytes)" for path in files]
    if not dry_run:
        from huggingface_hub import HfApi

        api = HfApi()
        api.create_repo(repo_id, repo_type="model", exist_ok=True)
        api.upload_folder(
            folder_path=folder,
            repo_id=repo_id,
            repo_type="model",
            allow_patterns=[path.as_posix() for path in files],  # exactly the files listed
            commit_message="Upload the LSTM demo's weights",
        )
    return listing


# -- weights in a link ------------------------------------------------------------------------------
# A model's numbers fit in a URL (12 for the hand-built cell, 16 for nn.LSTM): "craft:1.63,2.7,...".
# Nine significant digits give every float32 back exactly, so a link shows the same predictions.


def weights_text(model: LSTMModel) -> str:
    """'kind:n1,n2,...': every parameter in state_dict order, float32-exact."""
    numbers = torch.cat([t.detach().reshape(-1).cpu() for t in model.state_dict().values()])
    return f"{model.kind}:" + ",".join(f"{v:.9g}" for v in numbers.tolist())


def model_from_text(text: str) -> LSTMModel:
    """The inverse of weights_text, checked: a known kind, exactly its number of finite float32 values."""
    from .checks import real_number

    kind, _, numbers = str(text).strip().partition(":")
    kind = check_kind(kind.strip())
    shapes = EXPECTED[kind]
    items = [item.strip() for item in numbers.split(",")] if numbers.strip() else []
    needed = sum(math.prod(shape) for shape in shapes.values())
    if len(items) != needed:
        raise WeightsError(key="link.weights.count", params={"kind": kind, "count": len(items), "needed": needed})
    limit = float(torch.finfo(torch.float32).max)
    values = [real_number(item, "weight", -limit, limit) for item in items]
    state, start = {}, 0
    for name, shape in shapes.items():
        size = math.prod(shape)
        state[name] = torch.tensor(values[start : start + size], dtype=torch.float32).reshape(shape)
        start += size
    return model_from_state(kind, state)
