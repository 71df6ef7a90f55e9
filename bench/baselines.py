"""The baselines the benchmarks measure the package against, kept out of the package.

- The trainer before blocks: `train_before` is `lstm_demo.training.train` with BeforeTask in place
  of LSTMTask (one recipe epoch per Lightning step, autograd for every model, a foreach optimizer
  stepped through Lightning's wrapper after `manual_backward`).
- The lottery before blocks: `lottery_before` is `lstm_demo.lottery.lottery` with BeforePopulationTask
  (one epoch per Lightning step, automatic optimization, the cell's own forward, foreach Adam over
  12 tensors).
- Other forms of the hand-built cell's backward pass: `FloatGradients` (the float gradients into the
  model's 12 scalar parameters), and `CraftBPTT` / `CraftBPTTGates`, torch.autograd.Functions with the
  backward of lstm_demo/backward.py written in tensors (vectorised over a batch and a population).
  Neither beats eager autograd clearly on the CPU; they are the equations in tensor form and a
  measurement (`python bench/backward_speed.py`).
- The trace as models.py computed it before: `torch_loop_trace`, one torch call per gate and step.

Each baseline is checked against the package in tests/test_baselines.py, so a benchmark's ratio
compares equal work.
"""

from __future__ import annotations

import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from lstm_demo import lottery as lottery_module  # noqa: E402
from lstm_demo import training  # noqa: E402
from lstm_demo.lottery import LotteryResult, PopulationTask  # noqa: E402
from lstm_demo.models import BuiltinLSTM, CraftLSTM, LSTMModel, Trace  # noqa: E402
from lstm_demo.recipes import Recipe, TrainResult  # noqa: E402
from lstm_demo.tasks import LSTMTask  # noqa: E402

REDUCTIONS = ("sum", "mean")

# -- The trainer before blocks ----------------------------------------------------------------------


class BeforeTask(LSTMTask):
    """LSTMTask as it was before blocks: one recipe epoch per Lightning step, autograd for every
    model, a foreach optimizer called through Lightning's optimizer wrapper."""

    def __init__(self, model: LSTMModel, recipe: Recipe, *, block_ms: float = 0.0):
        super().__init__(model, recipe, block_ms=0.0)

    def configure_optimizers(self):
        optimizer = {"adam": torch.optim.Adam, "rprop": torch.optim.Rprop}[self.recipe.optimizer]
        # foreach: one kernel per operation over all parameter tensors instead of one per tensor.
        return optimizer(self.model.parameters(), lr=self.recipe.learning_rate, foreach=True)

    def optimizer_step_once(self, prediction: torch.Tensor, labels: torch.Tensor) -> None:
        loss = ((prediction - labels) ** 2).mean()
        optimizer = self.optimizers()
        optimizer.zero_grad()
        self.manual_backward(loss)
        optimizer.step()


def train_before(kind_or_model, recipe="fast", **options) -> TrainResult:
    """`lstm_demo.training.train` with the trainer before blocks (BeforeTask); the same options."""
    with mock.patch.object(training, "LSTMTask", BeforeTask):
        return training.train(kind_or_model, recipe, **options)


class BeforePopulationTask(PopulationTask):
    """PopulationTask as it was before blocks: one epoch per Lightning step, automatic optimization,
    the cell's forward pass and autograd, foreach Adam over its 12 tensors."""

    def __init__(self, cell: CraftLSTM, learning_rate: float, epochs: int, *, block_ms: float = 0.0):
        super().__init__(cell, learning_rate, epochs, block_ms=0.0)
        self.automatic_optimization = True

    def configure_optimizers(self):
        return torch.optim.Adam(self.cell.parameters(), lr=self.learning_rate, foreach=True)

    def training_step(self, batch, batch_idx):
        x, y = batch  # (2, 4), (2,)
        self.epochs_done += 1  # its update follows at once: an epoch stopped after this step counts
        return ((self.cell(x) - y) ** 2).sum()


def lottery_before(inits: int, epochs: int, learning_rate: float = 0.1, device: str = "cpu", seed: int = 0):
    """`lstm_demo.lottery.lottery` with the lottery before blocks (BeforePopulationTask)."""
    with mock.patch.object(lottery_module, "PopulationTask", BeforePopulationTask):
        result: LotteryResult = lottery_module.lottery(inits, epochs, learning_rate, device, seed)
    return result


# -- The trace before --------------------------------------------------------------------------------


def torch_loop_trace(model: LSTMModel, x: torch.Tensor) -> Trace:
    """The trace as models.py computed it before: a torch call per gate and per step, for the
    hand-built cell its torch equations (CraftLSTM.cell), for nn.LSTM its gates from H_{t-1} and C_t
    by the memory equation, one step at a time. x: (T,) or (B, T), in the model's dtype."""
    batched = x.dim() == 2
    xb = x if batched else x.unsqueeze(0)
    if isinstance(model, CraftLSTM):
        terms = model.input_terms(xb)  # four (B, T)
        h = c = torch.zeros_like(terms[0][..., 0])
        steps = []
        for xf, xi, xc, xo in zip(*(term.unbind(-1) for term in terms)):
            *gates, c, h = model.cell(xf, xi, xc, xo, h, c)
            steps.append((*gates, c, h))
        parts = [xb, *(torch.stack(column, dim=-1) for column in zip(*steps))]
    else:
        assert isinstance(model, BuiltinLSTM)
        lstm = model.lstm
        out, _ = lstm(xb.unsqueeze(-1))
        h_all = out[..., 0]  # (B, T)
        h_prev = torch.cat([torch.zeros_like(h_all[:, :1]), h_all[:, :-1]], dim=1)
        z = xb.unsqueeze(-1) * lstm.weight_ih_l0[:, 0] + h_prev.unsqueeze(-1) * lstm.weight_hh_l0[:, 0]
        z = dict(zip("ifco", (z + lstm.bias_ih_l0 + lstm.bias_hh_l0).unbind(-1)))  # nn.LSTM's gate order
        forget, input_, output = (torch.sigmoid(z[gate]) for gate in "fio")
        candidate = torch.tanh(z["c"])
        c, memories = torch.zeros_like(h_all[:, 0]), []
        for t in range(xb.shape[1]):
            c = forget[:, t] * c + input_[:, t] * candidate[:, t]
            memories.append(c)
        parts = [xb, forget, input_, candidate, output, torch.stack(memories, dim=1), h_all]
    if not batched:
        parts = [p[0] for p in parts]
    return Trace(*parts)


# -- Other forms of the hand-built cell's backward pass ---------------------------------------------


def _weight(reduction: str, batch: int) -> float:
    """w in L = w * sum_b (H_T - y)^2."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'sum' or 'mean', not {reduction!r}")
    return 1.0 if reduction == "sum" else 1.0 / batch


class FloatGradients:
    """The model's 12 parameters read as floats and their gradients written, with no PyTorch call.

    A torch optimizer needs `p.grad` on each parameter. Writing 12 gradients one tensor at a time
    costs 12+ PyTorch calls a step; here every `p.grad` is set once to a view of one (12,) buffer,
    and each step fills that buffer through its NumPy view (one NumPy assignment). Reading the
    parameters goes through NumPy views of their storage as well: the optimizer updates parameters
    in place, so the views stay current. CPU only (NumPy cannot see GPU memory).

    Keep gradients alive between steps: `optimizer.zero_grad()` (set_to_none) would drop the
    views; the buffer is overwritten whole each step, so there is nothing to zero.
    """

    def __init__(self, model: CraftLSTM):
        self.parameters = [getattr(model, name) for name in CraftLSTM.PARAMETER_NAMES]
        first = self.parameters[0]
        if first.device.type != "cpu":
            raise ValueError("FloatGradients reads parameters through NumPy: CPU only")
        self.grad = torch.zeros(len(self.parameters), dtype=first.dtype)
        for k, p in enumerate(self.parameters):
            p.grad = self.grad[k]
        self._grad_array = self.grad.numpy()
        self._value_arrays = [p.detach().numpy() for p in self.parameters]

    def values(self) -> list[float]:
        """The 12 parameters now, in CraftLSTM.PARAMETER_NAMES order."""
        return [float(a) for a in self._value_arrays]

    def set_grads(self, grads: list[float]) -> None:
        """Every parameter's .grad at once (values rounded to the parameters' dtype)."""
        self._grad_array[:] = grads


class CraftBPTT(torch.autograd.Function):
    """The hand-built cell's forward pass, with the backward pass through time written by hand.

    `CraftBPTT.apply(x, W_xf, W_hf, b_f, ..., b_o)`, parameters in CraftLSTM.PARAMETER_NAMES order:
    x (B, T) -> predictions H_T (B,). The parameters broadcast as in CraftLSTM: 0-d for one cell;
    for a population of N cells, weights on the input and biases (N, 1, 1), weights on the memory
    (N, 1) (lottery.population), giving predictions (N, B). Any loss can follow: autograd hands
    the backward dH_T, and the rest is the equations in lstm_demo/backward.py's docstring.
    """

    @staticmethod
    def forward(ctx, x, W_xf, W_hf, b_f, W_xi, W_hi, b_i, W_xc, W_hc, b_c, W_xo, W_ho, b_o):
        # The input terms of all steps at once: four (..., B, T).
        xf, xi, xc, xo = x * W_xf + b_f, x * W_xi + b_i, x * W_xc + b_c, x * W_xo + b_o
        C = H = torch.zeros_like(xf[..., 0])  # (..., B)
        Fs, Is, Cts, Os, Cs, tanhCs, Hs = [], [], [], [], [], [], [H]
        for t in range(x.shape[-1]):
            F = torch.sigmoid(xf[..., t] + H * W_hf)
            I = torch.sigmoid(xi[..., t] + H * W_hi)  # noqa: E741
            C_tilde = torch.tanh(xc[..., t] + H * W_hc)
            O = torch.sigmoid(xo[..., t] + H * W_ho)  # noqa: E741
            C = F * C + I * C_tilde
            tanh_C = torch.tanh(C)
            H = O * tanh_C
            Fs.append(F), Is.append(I), Cts.append(C_tilde), Os.append(O)
            Cs.append(C), tanhCs.append(tanh_C), Hs.append(H)
        # Intermediates kept on ctx, not save_for_backward: this Function has no double backward.
        ctx.save_for_backward(x, W_xf, W_hf, W_xi, W_hi, W_xc, W_hc, W_xo, W_ho, b_f, b_i, b_c, b_o)
        ctx.steps = Fs, Is, Cts, Os, Cs, tanhCs, Hs
        return H

    @staticmethod
    def backward(ctx, dH_T):
        x, W_xf, W_hf, W_xi, W_hi, W_xc, W_hc, W_xo, W_ho, b_f, b_i, b_c, b_o = ctx.saved_tensors
        Fs, Is, Cts, Os, Cs, tanhCs, Hs = ctx.steps
        T = x.shape[-1]
        dZ_fs, dZ_is, dZ_cs, dZ_os = [None] * T, [None] * T, [None] * T, [None] * T
        dH, dC_next_F_next = dH_T, None  # dC_{t+1} F_{t+1}; none beyond the last step
        for t in range(T - 1, -1, -1):
            F, I, C_tilde, O, tanh_C = Fs[t], Is[t], Cts[t], Os[t], tanhCs[t]  # noqa: E741
            C_prev = Cs[t - 1] if t else None
            dO = dH * tanh_C
            dC = dH * O * (1 - tanh_C * tanh_C)
            if dC_next_F_next is not None:
                dC = dC + dC_next_F_next
            dF = dC * C_prev if t else torch.zeros_like(dC)  # C_0 = 0
            dI = dC * C_tilde
            dC_tilde = dC * I
            dZ_f = dF * F * (1 - F)
            dZ_i = dI * I * (1 - I)
            dZ_c = dC_tilde * (1 - C_tilde * C_tilde)
            dZ_o = dO * O * (1 - O)
            dZ_fs[t], dZ_is[t], dZ_cs[t], dZ_os[t] = dZ_f, dZ_i, dZ_c, dZ_o
            if t:
                dH = dZ_f * W_hf + dZ_i * W_hi + dZ_c * W_hc + dZ_o * W_ho  # dH_{t-1}
                dC_next_F_next = dC * F
        # The sums over steps: all steps stacked, (..., B, T), then reduced to each weight's shape.
        dZ_f, dZ_i, dZ_c, dZ_o = (torch.stack(d, dim=-1) for d in (dZ_fs, dZ_is, dZ_cs, dZ_os))
        H_prev = torch.stack(Hs[:-1], dim=-1)  # H_0 .. H_{T-1}

        def on_input(dZ, W):  # sum_t dZ_t X_t, to the shape of W (over the batch, and T)
            return (dZ * x).sum_to_size(W.shape)

        def on_memory(dZ, W):  # sum_t dZ_t H_{t-1}; W_h broadcasts against (..., B), not (..., B, T)
            return (dZ * H_prev).sum(-1).sum_to_size(W.shape)

        def bias(dZ, b):  # sum_t dZ_t
            return dZ.sum_to_size(b.shape)

        dX = None
        if ctx.needs_input_grad[0]:
            dX = (dZ_f * W_xf + dZ_i * W_xi + dZ_c * W_xc + dZ_o * W_xo).sum_to_size(x.shape)
        return (
            dX,
            on_input(dZ_f, W_xf), on_memory(dZ_f, W_hf), bias(dZ_f, b_f),
            on_input(dZ_i, W_xi), on_memory(dZ_i, W_hi), bias(dZ_i, b_i),
            on_input(dZ_c, W_xc), on_memory(dZ_c, W_hc), bias(dZ_c, b_c),
            on_input(dZ_o, W_xo), on_memory(dZ_o, W_ho), bias(dZ_o, b_o),
        )  # fmt: skip


class CraftBPTTGates(torch.autograd.Function):
    """CraftBPTT's equations with the four gates side by side in a last dimension (f, i, c, o).

    Same arguments and result as CraftBPTT. A step then costs about half the PyTorch calls: one
    sigmoid for all gates, one product for the four dZ, one sum for dH. What it gains is calls,
    not arithmetic, so it pays where each call's tensors are large, as in the lottery's population.
    """

    @staticmethod
    def forward(ctx, x, W_xf, W_hf, b_f, W_xi, W_hi, b_i, W_xc, W_hc, b_c, W_xo, W_ho, b_o):
        W_x = torch.stack([W_xf, W_xi, W_xc, W_xo], dim=-1)  # (..., 4)
        W_h = torch.stack([W_hf, W_hi, W_hc, W_ho], dim=-1)
        b = torch.stack([b_f, b_i, b_c, b_o], dim=-1)
        XZ = x.unsqueeze(-1) * W_x + b  # X_t W_x + b for all steps and gates: (..., B, T, 4)
        C = H = torch.zeros_like(XZ[..., 0, 0])  # (..., B)
        gates, slopes, Cs, tanhCs, Hs = [], [], [], [], [H]
        for t in range(x.shape[-1]):
            Z = XZ[..., t, :] + H.unsqueeze(-1) * W_h  # Z^f_t, Z^i_t, Z^c_t, Z^o_t: (..., B, 4)
            G = torch.sigmoid(Z)  # F_t, I_t, (unused), O_t
            C_tilde = torch.tanh(Z[..., 2])
            F, I, O = G[..., 0], G[..., 1], G[..., 3]  # noqa: E741
            C = F * C + I * C_tilde
            tanh_C = torch.tanh(C)
            H = O * tanh_C
            # Each gate's derivative with respect to its Z: sigmoid (1 - sigmoid), tanh' = 1 - tanh^2.
            slope = G * (1 - G)
            slope[..., 2] = 1 - C_tilde * C_tilde
            gates.append((F, I, C_tilde, O))
            slopes.append(slope), Cs.append(C), tanhCs.append(tanh_C), Hs.append(H)
        ctx.save_for_backward(x, W_x, W_h, b)
        ctx.steps = gates, slopes, Cs, tanhCs, Hs
        return H

    @staticmethod
    def backward(ctx, dH_T):
        x, W_x, W_h, b = ctx.saved_tensors
        gates, slopes, Cs, tanhCs, Hs = ctx.steps
        T = x.shape[-1]
        dZs = [None] * T
        dH, dC_next_F_next = dH_T, None
        for t in range(T - 1, -1, -1):
            (F, I, C_tilde, O), tanh_C = gates[t], tanhCs[t]  # noqa: E741
            dO = dH * tanh_C
            dC = dH * O * (1 - tanh_C * tanh_C)
            if dC_next_F_next is not None:
                dC = dC + dC_next_F_next
            dF = dC * Cs[t - 1] if t else torch.zeros_like(dC)  # C_0 = 0
            dI = dC * C_tilde
            dC_tilde = dC * I
            dZ = torch.stack([dF, dI, dC_tilde, dO], dim=-1) * slopes[t]  # dZ^f_t .. dZ^o_t: (..., B, 4)
            dZs[t] = dZ
            if t:
                dH = (dZ * W_h).sum(-1)  # dH_{t-1} = sum over gates of dZ_t W_h
                dC_next_F_next = dC * F
        dZ = torch.stack(dZs, dim=-2)  # (..., B, T, 4)
        H_prev = torch.stack(Hs[:-1], dim=-1).unsqueeze(-1)  # H_0 .. H_{T-1}: (..., B, T, 1)
        dW_x = (dZ * x.unsqueeze(-1)).sum_to_size(W_x.shape)  # sum_t dZ_t X_t
        dW_h = (dZ * H_prev).sum(-2).sum_to_size(W_h.shape)  # sum_t dZ_t H_{t-1}
        db = dZ.sum_to_size(b.shape)  # sum_t dZ_t
        dX = (dZ * W_x).sum(-1).sum_to_size(x.shape) if ctx.needs_input_grad[0] else None
        (dW_xf, dW_xi, dW_xc, dW_xo), (dW_hf, dW_hi, dW_hc, dW_ho) = dW_x.unbind(-1), dW_h.unbind(-1)
        db_f, db_i, db_c, db_o = db.unbind(-1)
        return dX, dW_xf, dW_hf, db_f, dW_xi, dW_hi, db_i, dW_xc, dW_hc, db_c, dW_xo, dW_ho, db_o


def craft_predictions(model: CraftLSTM, x: torch.Tensor, gates_side_by_side: bool = False) -> torch.Tensor:
    """The model's predictions for a batch x (B, T) with the hand-written backward: (B,), or (N, B)
    for a population. `gates_side_by_side`: CraftBPTTGates instead of CraftBPTT."""
    function = CraftBPTTGates if gates_side_by_side else CraftBPTT
    return function.apply(x, *(getattr(model, name) for name in CraftLSTM.PARAMETER_NAMES))


def squared_error(predictions: torch.Tensor, labels: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """L = w * sum_b (H_T - y)^2 over the last dimension (w as in lstm_demo/backward.py's docstring);
    summed over any population dimension in front, so that each member's gradient is its own."""
    return ((predictions - labels) ** 2).sum() * _weight(reduction, predictions.shape[-1])
