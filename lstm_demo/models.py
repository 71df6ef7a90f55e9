"""The two LSTMs: one built by hand from the equations, one from the library, with one interface.

The hand-built cell follows the seed's section 1. With one input and one hidden unit every weight
is a scalar, so the matrix products are plain products:

    F_t  = sigmoid(X_t W_xf + H_{t-1} W_hf + b_f)      forget gate
    I_t  = sigmoid(X_t W_xi + H_{t-1} W_hi + b_i)      input gate
    C~_t = tanh(X_t W_xc + H_{t-1} W_hc + b_c)         candidate memory
    O_t  = sigmoid(X_t W_xo + H_{t-1} W_ho + b_o)      output gate
    C_t  = F_t * C_{t-1} + I_t * C~_t                  long-term memory
    H_t  = O_t * tanh(C_t)                             short-term memory

C_0 = H_0 = 0, and the prediction is the last short-term memory H_T.

Both models take a sequence of shape (T,) or a batch of equal-length sequences (B, T) and return
the prediction(s), shape () or (B,). Both give a `Trace` of the gates and memories at every step.
Weights move between them exactly (`to_builtin`, `to_craft`); the tests prove it.

The hand-built cell's equations are written twice, once per numeric form: in torch (`CraftLSTM.cell`,
what autograd trains through) and in plain Python floats (`float_steps`: its trace, and the forward
pass of the hand-written backward in backward.py). A trace of 10,000 steps then costs no PyTorch call
per step.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import torch
from huggingface_hub import PyTorchModelHubMixin
from torch import nn

from .cards import MODEL_CARD
from .errors import InputError

MODEL_KINDS = ("builtin", "craft")

_HUB_METADATA = dict(
    library_name="pytorch",
    license="mit",
    tags=["lstm", "education", "statquest", "lightning"],
    model_card_template=MODEL_CARD,
)


@dataclass
class Trace:
    """The inside of an LSTM run: every field has the input's shape, (T,) or (B, T)."""

    input: torch.Tensor
    forget_gate: torch.Tensor
    input_gate: torch.Tensor
    candidate: torch.Tensor
    output_gate: torch.Tensor
    long_memory: torch.Tensor  # C_t
    short_memory: torch.Tensor  # H_t

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def rows(self) -> list[dict[str, float]]:
        """One dict per time step of a single sequence: step (1-based) and the six values."""
        if self.input.dim() != 1:
            raise ValueError("rows() is for one sequence; index the batch first.")
        names = self.columns()
        columns = [getattr(self, name).detach().cpu().tolist() for name in names]
        keys = ["step", *names]
        return [dict(zip(keys, (t, *values))) for t, values in enumerate(zip(*columns), start=1)]

    def table(self, decimals: int = 6) -> list[list[float]]:
        """One list per time step of a single sequence: step (1-based) and the six values, rounded to
        `decimals` (computed in float64, so that a rounded value prints as its decimals)."""
        if self.input.dim() != 1:
            raise ValueError("table() is for one sequence; index the batch first.")
        values = torch.stack([getattr(self, name).detach().cpu().double() for name in self.columns()], dim=1)
        return [[t, *row] for t, row in enumerate(torch.round(values, decimals=decimals).tolist(), start=1)]


def sigmoid(z: float) -> float:
    """The logistic function of a float; two branches so that exp never overflows."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _held(value: float) -> Callable[[float], float]:
    return lambda z: value


def float_steps(params: Sequence[float], X: Sequence[float], forced: dict[str, float] | None = None) -> tuple:
    """The six equations in plain Python floats, for one sequence X (C_0 = H_0 = 0).

    `params`: the 12 values in CraftLSTM.PARAMETER_NAMES order. Returns seven lists, one value per
    step: F_t, I_t, C~_t, O_t, C_t, tanh(C_t), H_t. `forced`: gates held at a constant (the
    playground's switches, explore.py), by name (forget, input, candidate, output).
    """
    W_xf, W_hf, b_f, W_xi, W_hi, b_i, W_xc, W_hc, b_c, W_xo, W_ho, b_o = params
    forget = input_ = output = sigmoid
    candidate = math.tanh
    if forced:
        act = {"forget": forget, "input": input_, "candidate": candidate, "output": output}
        act.update((gate, _held(value)) for gate, value in forced.items())
        forget, input_, candidate, output = act["forget"], act["input"], act["candidate"], act["output"]
    Fs, Is, Cts, Os, Cs, tanhCs, Hs = [], [], [], [], [], [], []
    C = H = 0.0
    for X_t in X:
        F = forget(X_t * W_xf + H * W_hf + b_f)  # F_t = sigmoid(X_t W_xf + H_{t-1} W_hf + b_f)
        I = input_(X_t * W_xi + H * W_hi + b_i)  # noqa: E741  I_t = sigmoid(X_t W_xi + H_{t-1} W_hi + b_i)
        C_tilde = candidate(X_t * W_xc + H * W_hc + b_c)  # C~_t = tanh(X_t W_xc + H_{t-1} W_hc + b_c)
        O = output(X_t * W_xo + H * W_ho + b_o)  # noqa: E741  O_t = sigmoid(X_t W_xo + H_{t-1} W_ho + b_o)
        C = F * C + I * C_tilde  # C_t = F_t * C_{t-1} + I_t * C~_t
        tanh_C = math.tanh(C)
        H = O * tanh_C  # H_t = O_t * tanh(C_t)
        Fs.append(F), Is.append(I), Cts.append(C_tilde), Os.append(O)
        Cs.append(C), tanhCs.append(tanh_C), Hs.append(H)
    return Fs, Is, Cts, Os, Cs, tanhCs, Hs


def _trace_of(xb: torch.Tensor, batched: bool, columns: list[list[list[float]]]) -> Trace:
    """A Trace from the input (B, T) and six per-sequence lists of floats (gates, C, H), in the
    input's dtype and on its device."""
    tensors = [torch.tensor(column, dtype=xb.dtype, device=xb.device).reshape(xb.shape) for column in columns]
    if not batched:
        xb, tensors = xb[0], [t[0] for t in tensors]
    return Trace(xb, *tensors)


def _as_batch(x: torch.Tensor | list[float], like: torch.Tensor) -> tuple[torch.Tensor, bool]:
    """(T,) or (B, T) -> (B, T) on the model's device and dtype, and whether a batch was given."""
    x = torch.as_tensor(x, dtype=like.dtype, device=like.device)
    if x.dim() == 1:
        return x.unsqueeze(0), False
    if x.dim() == 2:
        return x, True
    raise ValueError(f"expected a sequence (T,) or a batch (B, T), got shape {tuple(x.shape)}")


class LSTMModel(nn.Module):
    """What the app, the trainer and the tests rely on, whichever LSTM it is."""

    kind: str

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (T,) -> (), (B, T) -> (B,)
        raise NotImplementedError

    def trace(self, x: torch.Tensor) -> Trace:
        raise NotImplementedError

    def predict(self, sequence: list[float]) -> float:
        """The prediction for one sequence, as a plain number."""
        with torch.no_grad():
            return float(self(torch.tensor(sequence)))


class CraftLSTM(LSTMModel, PyTorchModelHubMixin, **_HUB_METADATA):
    """The hand-built LSTM cell: 12 scalar parameters, read straight off the equations."""

    kind = "craft"
    # The names in model.safetensors, gate by gate: weight on the input X_t, weight on the
    # short-term memory H_{t-1}, bias.
    PARAMETER_NAMES = (
        "w_xf", "w_hf", "b_f",  # forget gate
        "w_xi", "w_hi", "b_i",  # input gate
        "w_xc", "w_hc", "b_c",  # candidate memory
        "w_xo", "w_ho", "b_o",  # output gate
    )  # fmt: skip
    # Gates held at a constant instead of computed: none here (explore.SwitchedCraftLSTM sets some).
    forced: dict[str, float] = {}

    def __init__(self, input_size: int = 1, hidden_size: int = 1):
        super().__init__()
        if (input_size, hidden_size) != (1, 1):
            raise ValueError("the hand-built cell has one input and one hidden unit")
        for name in self.PARAMETER_NAMES:
            self.register_parameter(name, nn.Parameter(torch.zeros(())))

    def reset_parameters(self, generator: torch.Generator) -> None:
        """The seed's init: weights ~ N(0, 1), biases 0.

        The weights are drawn in the seed's order (for each gate the weight on the short-term
        memory, then the one on the input), so seed 42 gives the seed's starting point.
        """
        with torch.no_grad():
            for gate in "fico":
                for source in "hx":
                    getattr(self, f"w_{source}{gate}").normal_(0.0, 1.0, generator=generator)
                getattr(self, f"b_{gate}").zero_()

    def input_terms(self, x: torch.Tensor):
        """X_t W_x + b for each gate and every step at once: four (B, T) tensors.

        They do not depend on the memory, so they need not wait for the loop over time.
        """
        return (
            x * self.w_xf + self.b_f,
            x * self.w_xi + self.b_i,
            x * self.w_xc + self.b_c,
            x * self.w_xo + self.b_o,
        )

    def gates(self, xf, xi, xc, xo, h):
        """The first four equations: the gates, given this step's input terms and H_{t-1}. (B,) each."""
        forget = torch.sigmoid(xf + h * self.w_hf)  # F_t = sigmoid(X_t W_xf + H_{t-1} W_hf + b_f)
        input_ = torch.sigmoid(xi + h * self.w_hi)  # I_t = sigmoid(X_t W_xi + H_{t-1} W_hi + b_i)
        candidate = torch.tanh(xc + h * self.w_hc)  # C~_t = tanh(X_t W_xc + H_{t-1} W_hc + b_c)
        output = torch.sigmoid(xo + h * self.w_ho)  # O_t = sigmoid(X_t W_xo + H_{t-1} W_ho + b_o)
        return forget, input_, candidate, output

    def cell(self, xf, xi, xc, xo, h, c):
        """One time step: the six equations, in order. Returns the gates, C_t and H_t, (B,) each."""
        forget, input_, candidate, output = self.gates(xf, xi, xc, xo, h)
        c = forget * c + input_ * candidate  # C_t = F_t * C_{t-1} + I_t * C~_t
        h = output * torch.tanh(c)  # H_t = O_t * tanh(C_t)
        return forget, input_, candidate, output, c, h

    def forward(self, x):
        xb, batched = _as_batch(x, self.w_xf)
        terms = self.input_terms(xb)  # four (B, T); (N, B, T) for a population (lottery.py)
        h = c = torch.zeros_like(terms[0][..., 0])
        # Loop over time steps (the seed's loop indexed the input by its values).
        for xf, xi, xc, xo in zip(*(term.unbind(-1) for term in terms)):
            *_, c, h = self.cell(xf, xi, xc, xo, h, c)
        return h if batched else h[0]

    def predict(self, sequence: list[float]) -> float:
        """The prediction for one sequence, from the equations in floats (a long sequence costs no
        PyTorch call per step), rounded to the model's dtype as forward() would give it."""
        params = [getattr(self, name).item() for name in self.PARAMETER_NAMES]
        H = float_steps(params, [float(v) for v in sequence], self.forced)[-1]
        return torch.tensor(H[-1] if H else 0.0, dtype=self.w_xf.dtype).item()

    def trace(self, x) -> Trace:
        """Every step's gates and memories, from the equations in floats (float_steps): one cell,
        any length, no PyTorch call per step. In the model's dtype: float64 in, float64 out."""
        xb, batched = _as_batch(x, self.w_xf)
        params = [getattr(self, name).item() for name in self.PARAMETER_NAMES]
        steps = [float_steps(params, sequence, self.forced) for sequence in xb.tolist()]
        F, I, C_tilde, O, C, _, H = zip(*steps) if steps else [[]] * 7  # noqa: E741
        return _trace_of(xb, batched, [F, I, C_tilde, O, C, H])


class BuiltinLSTM(LSTMModel, PyTorchModelHubMixin, **_HUB_METADATA):
    """torch.nn.LSTM(1, 1), predicting its last short-term memory (the seed's CustomLSTM)."""

    kind = "builtin"
    PARAMETER_NAMES = ("lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0")

    def __init__(self, input_size: int = 1, hidden_size: int = 1):
        super().__init__()
        if (input_size, hidden_size) != (1, 1):
            raise ValueError("this demo's LSTM has one input and one hidden unit")
        # batch_first: inputs are (B, T, 1). Without it nn.LSTM reads (T, B, 1).
        self.lstm = nn.LSTM(input_size=1, hidden_size=1, batch_first=True)

    def reset_parameters(self, generator: torch.Generator) -> None:
        """PyTorch's default init, U(-1/sqrt(hidden), 1/sqrt(hidden)) = U(-1, 1), from `generator`."""
        with torch.no_grad():
            for p in self.lstm.parameters():
                p.uniform_(-1.0, 1.0, generator=generator)

    def forward(self, x):
        xb, batched = _as_batch(x, self.lstm.weight_ih_l0)
        out, _ = self.lstm(xb.unsqueeze(-1))  # (B, T, 1): H_t for every t
        h = out[:, -1, 0]
        return h if batched else h[0]

    def trace(self, x) -> Trace:
        """Gates recomputed from the library's own weights and its own H_t.

        nn.LSTM returns H_t for every step but neither the gates nor C_t. Given H_{t-1} (its
        output, shifted by one step) the gates of all steps follow at once in one tensor
        expression; C_t then follows from the memory equation, in floats. The result is checked
        against the library in the tests.
        """
        xb, batched = _as_batch(x, self.lstm.weight_ih_l0)
        out, _ = self.lstm(xb.unsqueeze(-1))
        h_all = out[..., 0]  # (B, T)
        h_prev = torch.cat([torch.zeros_like(h_all[:, :1]), h_all[:, :-1]], dim=1)
        w_ih, w_hh = self.lstm.weight_ih_l0[:, 0], self.lstm.weight_hh_l0[:, 0]  # (4,), BUILTIN_GATE_ORDER
        bias = self.lstm.bias_ih_l0 + self.lstm.bias_hh_l0
        z = xb.unsqueeze(-1) * w_ih + h_prev.unsqueeze(-1) * w_hh + bias  # (B, T, 4)
        z = dict(zip(BUILTIN_GATE_ORDER, z.unbind(-1)))  # gate letter -> (B, T)
        forget, input_, output = (torch.sigmoid(z[gate]) for gate in "fio")
        candidate = torch.tanh(z["c"])
        long_memory = []
        for F, I, C_tilde in zip(forget.tolist(), input_.tolist(), candidate.tolist()):  # noqa: E741
            C, memories = 0.0, []
            for f, i, c in zip(F, I, C_tilde):
                C = f * C + i * c  # C_t = F_t * C_{t-1} + I_t * C~_t
                memories.append(C)
            long_memory.append(memories)
        long_memory = torch.tensor(long_memory, dtype=xb.dtype, device=xb.device).reshape(xb.shape)
        parts = [xb, forget, input_, candidate, output, long_memory, h_all]
        if not batched:
            parts = [p[0] for p in parts]
        return Trace(*parts)


MODEL_CLASSES: dict[str, type[LSTMModel]] = {"builtin": BuiltinLSTM, "craft": CraftLSTM}


def check_kind(kind: object) -> str:
    if not isinstance(kind, str) or kind not in MODEL_CLASSES:  # a list or dict is no name (and unhashable)
        raise InputError(key="model.unknown", params={"shown": str(kind)[:100]})
    return kind  # type: ignore[return-value]


def new_model(kind: str, seed: int | None = None) -> LSTMModel:
    """A fresh model; with a seed, initialised as the seed's code does, from a private generator.

    A private torch.Generator (not the global RNG) makes two trainings at once reproducible.
    """
    model = MODEL_CLASSES[check_kind(kind)]()
    if seed is not None:
        model.reset_parameters(torch.Generator().manual_seed(seed))
    return model


# nn.LSTM stacks its four gates in this order (input, forget, candidate "g", output) in
# weight_ih_l0, weight_hh_l0 and both biases; the letters are the hand-built cell's gate names.
BUILTIN_GATE_ORDER = "ifco"


def craft_names(weight_ih: torch.Tensor, weight_hh: torch.Tensor, bias: torch.Tensor) -> dict[str, torch.Tensor]:
    """Tensors in nn.LSTM's layout, (4, 1), (4, 1) and (4,), as the hand-built cell's 12 named scalars.

    The one place that knows the gate order; it reads weights and gradients alike.
    """
    named = {}
    for k, gate in enumerate(BUILTIN_GATE_ORDER):
        named[f"w_x{gate}"], named[f"w_h{gate}"], named[f"b_{gate}"] = weight_ih[k, 0], weight_hh[k, 0], bias[k]
    return named


def to_builtin(craft: CraftLSTM) -> BuiltinLSTM:
    """The hand-built cell's weights in nn.LSTM's layout (bias_hh = 0, so b_ih + b_hh = b)."""
    builtin = BuiltinLSTM().to(craft.w_xf.device)
    lstm = builtin.lstm
    with torch.no_grad():
        lstm.bias_hh_l0.zero_()
        for name, slot in craft_names(lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0).items():
            slot.copy_(getattr(craft, name))  # slot is a view into nn.LSTM's tensor
    return builtin


def to_craft(builtin: BuiltinLSTM) -> CraftLSTM:
    """nn.LSTM's weights as the hand-built cell's scalars (its two biases summed)."""
    lstm = builtin.lstm
    craft = CraftLSTM().to(lstm.weight_ih_l0.device)
    with torch.no_grad():
        bias = lstm.bias_ih_l0 + lstm.bias_hh_l0
        for name, value in craft_names(lstm.weight_ih_l0, lstm.weight_hh_l0, bias).items():
            getattr(craft, name).copy_(value)
    return craft


def craft_parameters(model: LSTMModel) -> dict[str, float]:
    """Either model's weights as the hand-built cell's 12 named scalars."""
    craft = model if isinstance(model, CraftLSTM) else to_craft(model)  # type: ignore[arg-type]
    return {name: getattr(craft, name).item() for name in CraftLSTM.PARAMETER_NAMES}


def transplant(model: LSTMModel) -> LSTMModel:
    """The same weights in the other model."""
    return to_builtin(model) if isinstance(model, CraftLSTM) else to_craft(model)  # type: ignore[arg-type]


def flat_weights(model: LSTMModel) -> list[float]:
    """The model's parameters in their registration order as plain floats: 12 for the hand-built
    cell (CraftLSTM.PARAMETER_NAMES), 16 for the built-in model. How a model travels between
    processes and how time-travel snapshots are kept."""
    return torch.nn.utils.parameters_to_vector([p.detach().cpu() for p in model.parameters()]).tolist()


def model_from_flat(kind: str, values) -> LSTMModel:
    """A model of `kind` holding `values` (from flat_weights), in eval mode."""
    model = new_model(kind)
    with torch.no_grad():
        torch.nn.utils.vector_to_parameters(torch.tensor(list(values), dtype=torch.float32), model.parameters())
    return model.eval()
