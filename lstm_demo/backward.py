"""The hand-built cell's backward pass through time, written out by hand like its forward pass.

The forward pass (models.py), with the gates' pre-activations named Z:

    Z^f_t = X_t W_xf + H_{t-1} W_hf + b_f        F_t  = sigmoid(Z^f_t)     forget gate
    Z^i_t = X_t W_xi + H_{t-1} W_hi + b_i        I_t  = sigmoid(Z^i_t)     input gate
    Z^c_t = X_t W_xc + H_{t-1} W_hc + b_c        C~_t = tanh(Z^c_t)        candidate memory
    Z^o_t = X_t W_xo + H_{t-1} W_ho + b_o        O_t  = sigmoid(Z^o_t)     output gate
    C_t = F_t * C_{t-1} + I_t * C~_t             long-term memory
    H_t = O_t * tanh(C_t)                        short-term memory, C_0 = H_0 = 0

The prediction is H_T, and the loss is the squared error, summed or meaned over the sequences:

    L = w * sum_b (H_T - y)^2,   w = 1 ("sum") or 1/B ("mean")

The statquest recipe trains on one sequence at a time, L = (H_T - y)^2; the fast recipe means over
both companies; the lottery sums over its members (each member's gradient is then its own).

Backward, from t = T down to 1, where dV is the derivative of L with respect to V:

    dH_t   = 2 w (H_T - y)                                                 at t = T
           = dZ^f_{t+1} W_hf + dZ^i_{t+1} W_hi + dZ^c_{t+1} W_hc + dZ^o_{t+1} W_ho   before T
    dO_t   = dH_t tanh(C_t)
    dC_t   = dH_t O_t (1 - tanh^2(C_t)) + dC_{t+1} F_{t+1}                  (dC_{T+1} = 0)
    dF_t   = dC_t C_{t-1}
    dI_t   = dC_t C~_t
    dC~_t  = dC_t I_t
    dZ^f_t = dF_t F_t (1 - F_t)          sigmoid' = sigmoid (1 - sigmoid)
    dZ^i_t = dI_t I_t (1 - I_t)
    dZ^c_t = dC~_t (1 - C~_t^2)          tanh' = 1 - tanh^2
    dZ^o_t = dO_t O_t (1 - O_t)

The same 12 weights act at every step and on every sequence, so their gradients are sums:

    dW_xf = sum_t dZ^f_t X_t     dW_hf = sum_t dZ^f_t H_{t-1}     db_f = sum_t dZ^f_t
    dW_xi = sum_t dZ^i_t X_t     dW_hi = sum_t dZ^i_t H_{t-1}     db_i = sum_t dZ^i_t
    dW_xc = sum_t dZ^c_t X_t     dW_hc = sum_t dZ^c_t H_{t-1}     db_c = sum_t dZ^c_t
    dW_xo = sum_t dZ^o_t X_t     dW_ho = sum_t dZ^o_t H_{t-1}     db_o = sum_t dZ^o_t

Why by hand: the cost of a training step of this 12-scalar model is PyTorch's cost per call, not
the arithmetic (a few hundred multiplications). A step of eager autograd with Adam dispatches ~300
PyTorch operators at a few microseconds each; the float form below needs none, and a step with a
torch optimizer on top of it needs 2 (fused Adam) to 110 (Adam for-loop), as the bench counts.

- `loss_and_grads`: plain Python floats, for a batch of one or two sequences (the statquest and
  fast recipes). `FlatCraft` (what the trainer uses, tasks.py) holds the 12 values as one flat
  (12,) parameter for a fused torch optimizer; `FloatGradients` the same on the model's 12 scalar
  parameters. Both read values and write `.grad` through NumPy views, so that a torch optimizer
  still takes the step without a PyTorch call per value.
- `CraftBPTT`: a torch.autograd.Function with the same backward, one line per derivative,
  vectorised over a batch and over a population of cells (parameters of shape (N, 1, 1) and
  (N, 1), as lottery.population makes). Its number of calls per step does not grow with the
  population. `CraftBPTTGates` is the same with the four gates side by side: a third fewer calls.
  Neither beats eager autograd clearly on the CPU (autograd's own backward runs in C++ with no
  Python per call); they are here as the equations in tensor form and for the measurement.
- `population_loss_and_grads`: the same backward in NumPy for a population laid out as the
  lottery trains it (one (12, N) array), what the lottery uses on the CPU: a NumPy operation on a
  few thousand numbers costs a fraction of an eager PyTorch one.

Both are checked against autograd through CraftLSTM in tests/test_backward.py;
`python bench/backward_speed.py` measures them.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from .models import CraftLSTM

REDUCTIONS = ("sum", "mean")


def _weight(reduction: str, batch: int) -> float:
    """w in L = w * sum_b (H_T - y)^2."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'sum' or 'mean', not {reduction!r}")
    return 1.0 if reduction == "sum" else 1.0 / batch


def _sigmoid(z: float) -> float:
    # Two branches so that exp never overflows (exp(-z) for z < -709 would).
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


# -- Plain Python floats ---------------------------------------------------------------------------


def loss_and_grads(
    params: list[float] | tuple[float, ...],
    sequences: list[list[float]] | tuple[tuple[float, ...], ...],
    labels: list[float] | tuple[float, ...],
    reduction: str = "mean",
) -> tuple[float, list[float], list[float]]:
    """The loss, its 12 gradients (in CraftLSTM.PARAMETER_NAMES order) and the predictions H_T.

    `params` are the 12 values in CraftLSTM.PARAMETER_NAMES order; `sequences` any number of
    sequences (each of length >= 1) with one label each. Made for a batch of one or two, where
    PyTorch's cost per call would be most of a step's time: this function makes none.
    """
    W_xf, W_hf, b_f, W_xi, W_hi, b_i, W_xc, W_hc, b_c, W_xo, W_ho, b_o = params
    w = _weight(reduction, len(sequences))
    dW_xf = dW_hf = db_f = dW_xi = dW_hi = db_i = dW_xc = dW_hc = db_c = dW_xo = dW_ho = db_o = 0.0
    loss = 0.0
    predictions = []
    for X, y in zip(sequences, labels):
        # Forward, keeping what the backward needs: per step F, I, C~, O, C, tanh(C), and H.
        Fs, Is, Cts, Os, Cs, tanhCs, Hs = [], [], [], [], [], [], [0.0]
        C = H = 0.0
        for X_t in X:
            F = _sigmoid(X_t * W_xf + H * W_hf + b_f)
            I = _sigmoid(X_t * W_xi + H * W_hi + b_i)  # noqa: E741 (I is the input gate's name)
            C_tilde = math.tanh(X_t * W_xc + H * W_hc + b_c)
            O = _sigmoid(X_t * W_xo + H * W_ho + b_o)  # noqa: E741
            C = F * C + I * C_tilde
            tanh_C = math.tanh(C)
            H = O * tanh_C
            Fs.append(F), Is.append(I), Cts.append(C_tilde), Os.append(O)
            Cs.append(C), tanhCs.append(tanh_C), Hs.append(H)
        predictions.append(H)
        loss += w * (H - y) ** 2

        # Backward through time.
        dH = 2.0 * w * (H - y)
        dC_next = F_next = 0.0  # dC_{T+1} F_{T+1}: nothing flows back from beyond the last step
        for t in range(len(X) - 1, -1, -1):
            X_t, H_prev, C_prev = X[t], Hs[t], (Cs[t - 1] if t else 0.0)
            F, I, C_tilde, O, tanh_C = Fs[t], Is[t], Cts[t], Os[t], tanhCs[t]  # noqa: E741
            dO = dH * tanh_C
            dC = dH * O * (1.0 - tanh_C * tanh_C) + dC_next * F_next
            dF = dC * C_prev
            dI = dC * C_tilde
            dC_tilde = dC * I
            dZ_f = dF * F * (1.0 - F)
            dZ_i = dI * I * (1.0 - I)
            dZ_c = dC_tilde * (1.0 - C_tilde * C_tilde)
            dZ_o = dO * O * (1.0 - O)
            dW_xf += dZ_f * X_t
            dW_hf += dZ_f * H_prev
            db_f += dZ_f
            dW_xi += dZ_i * X_t
            dW_hi += dZ_i * H_prev
            db_i += dZ_i
            dW_xc += dZ_c * X_t
            dW_hc += dZ_c * H_prev
            db_c += dZ_c
            dW_xo += dZ_o * X_t
            dW_ho += dZ_o * H_prev
            db_o += dZ_o
            dH = dZ_f * W_hf + dZ_i * W_hi + dZ_c * W_hc + dZ_o * W_ho  # dH_{t-1}
            dC_next, F_next = dC, F
    grads = [dW_xf, dW_hf, db_f, dW_xi, dW_hi, db_i, dW_xc, dW_hc, db_c, dW_xo, dW_ho, db_o]
    return loss, grads, predictions


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


class FlatCraft:
    """The 12 parameters as one flat (12,) tensor for a torch optimizer, read and written as floats.

    What the trainer uses: a fused optimizer steps one tensor at a cost per call, not per value,
    so one (12,) tensor is cheaper to step than 12 scalars (bench/backward_speed.py: ~110 against
    ~180 µs a step). The model keeps its 12 scalar parameters, their names and its files: the flat
    tensor is the training's own copy, and `write_back()` puts its values into the model's
    scalars. (Making the scalars views of one storage would save that copy, but safetensors
    refuses to save tensors that share memory.) `values()` and `set_grads()` go through NumPy
    views, so neither makes a PyTorch call. CPU only (NumPy cannot see GPU memory).
    """

    def __init__(self, model: CraftLSTM):
        scalars = [getattr(model, name) for name in CraftLSTM.PARAMETER_NAMES]
        if scalars[0].device.type != "cpu":
            raise ValueError("FlatCraft reads parameters through NumPy: CPU only")
        self.flat = torch.nn.Parameter(torch.stack([p.detach() for p in scalars]))  # (12,)
        # The optimizer keeps this .grad: set once, overwritten whole each step (no zero_grad).
        self.flat.grad = torch.zeros_like(self.flat)
        self._values = self.flat.detach().numpy()
        self._grad = self.flat.grad.numpy()
        self._scalars = [p.detach().numpy() for p in scalars]  # 0-d views of the model's scalars

    def values(self) -> list[float]:
        """The 12 parameters now, in CraftLSTM.PARAMETER_NAMES order."""
        return self._values.tolist()

    def set_grads(self, grads: list[float]) -> None:
        """The flat tensor's .grad at once (values rounded to its dtype)."""
        self._grad[:] = grads

    def write_back(self) -> None:
        """The flat tensor's values into the model's 12 scalar parameters."""
        for scalar, value in zip(self._scalars, self._values):
            scalar[()] = value


# -- A population in NumPy (the lottery on the CPU) -------------------------------------------------

# The gates in the order f, i, o, c: the three sigmoids are then one slice of the (4, B, N) arrays.
_SIGMOIDS_FIRST = [0, 1, 3, 2]


def population_loss_and_grads(values: np.ndarray, x: np.ndarray, y: np.ndarray, grads: np.ndarray) -> float:
    """The summed squared error of N hand-built cells, and each one's 12 gradients, in NumPy.

    values (12, N): the members' parameters, rows in CraftLSTM.PARAMETER_NAMES order (gate by gate
    f, i, c, o: W_x, W_h, b), as the lottery trains them; x (B, T) and y (B,): the batch and its
    labels. Writes `grads` (12, N) whole and returns L = sum over members and sequences of
    (H_T - y)^2 (w = 1: each member's gradient is its own). The equations are the module
    docstring's, each line one array operation over the gates, the sequences and the members.

    Why NumPy: at N = 1,000 a step is ~100 array operations on a few thousand numbers each, so the
    cost is the cost per operation, and a NumPy operation costs a fraction of an eager PyTorch
    one (on this machine torch.tanh on 8,000 float32 values took ~30 µs, np.tanh ~4 µs). Measured
    with `python bench/backward_speed.py` (lottery rows) against autograd through
    lottery.population_predictions. Arrays are laid out (gate, B, N), the members contiguous.
    """
    n = values.shape[1]
    rows = values.reshape(4, 3, 1, n)[_SIGMOIDS_FIRST]  # (gate f,i,o,c; W_x,W_h,b; 1; N): a copy
    W_x, W_h, b = rows[:, 0], rows[:, 1], rows[:, 2]  # (4, 1, N)
    x = x.astype(values.dtype, copy=False)
    batch, length = x.shape
    H = C = None  # H_0 = C_0 = 0
    steps = []  # what the backward pass needs of each step
    for t in range(length):
        Z = W_x * x[:, t, None]  # Z_t = X_t W_x + H_{t-1} W_h + b, the four gates: (4, B, N)
        Z += b
        if H is not None:
            Z += W_h * H
        A = Z  # the gates' values, in place: sigmoid(z) = (1 + tanh(z / 2)) / 2, and tanh for C~
        A[:3] *= 0.5
        np.tanh(A, out=A)
        A[:3] += 1
        A[:3] *= 0.5
        F, I, O, C_tilde = A  # noqa: E741 (I is the input gate's name)
        C_prev, H_prev = C, H
        C = I * C_tilde  # C_t = F_t C_{t-1} + I_t C~_t
        if C_prev is not None:
            C += F * C_prev
        tanh_C = np.tanh(C)
        H = O * tanh_C  # H_t = O_t tanh(C_t)
        steps.append((A, tanh_C, C_prev, H_prev))
    error = H - y.astype(values.dtype, copy=False)[:, None]  # (B, N)
    dH = 2 * error  # dH_T
    dC_next = F_next = None
    dZs = np.empty((length, 4, batch, n), values.dtype)
    for t in range(length - 1, -1, -1):
        A, tanh_C, C_prev, H_prev = steps[t]
        F, I, O, C_tilde = A  # noqa: E741
        dC = O * dH  # dC_t = dH_t O_t (1 - tanh^2(C_t)) + dC_{t+1} F_{t+1}
        dC *= 1 - tanh_C * tanh_C
        if dC_next is not None:
            dC += dC_next * F_next
        dZ = dZs[t]
        np.subtract(1, A[:3], out=dZ[:3])  # sigmoid' = sigmoid (1 - sigmoid), the three gates
        dZ[:3] *= A[:3]
        if C_prev is None:  # dZ^f = dF F (1 - F), dF = dC C_{t-1}: C_0 = 0
            dZ[0] = 0
        else:
            dZ[0] *= dC
            dZ[0] *= C_prev
        dZ[1] *= dC  # dZ^i = dI I (1 - I), dI = dC C~
        dZ[1] *= C_tilde
        dZ[2] *= dH  # dZ^o = dO O (1 - O), dO = dH tanh(C)
        dZ[2] *= tanh_C
        np.multiply(C_tilde, C_tilde, out=dZ[3])  # dZ^c = dC~ (1 - C~^2), dC~ = dC I
        np.subtract(1, dZ[3], out=dZ[3])
        dZ[3] *= dC
        dZ[3] *= I
        if t:  # dH_{t-1} = sum over the gates of dZ_t W_h
            terms = dZ * W_h
            dH = terms[0] + terms[1]
            dH += terms[2]
            dH += terms[3]
        dC_next, F_next = dC, F
    # The 12 gradients, sums over the steps and the sequences: dW_x = sum dZ X, dW_h = sum dZ H_{t-1}, db = sum dZ.
    out = grads.reshape(4, 3, n)
    out[_SIGMOIDS_FIRST, 0] = np.tensordot(x.T, dZs, axes=([0, 1], [0, 2]))
    if length > 1:
        previous = np.stack([H_prev for *_, H_prev in steps[1:]])  # H_1 .. H_{T-1}: (T - 1, B, N)
        out[_SIGMOIDS_FIRST, 1] = np.einsum("tgbn,tbn->gn", dZs[1:], previous)
    else:
        out[:, 1] = 0
    out[_SIGMOIDS_FIRST, 2] = dZs.sum(axis=(0, 2))
    return float((error * error).sum())


# -- A torch.autograd.Function ---------------------------------------------------------------------


class CraftBPTT(torch.autograd.Function):
    """The hand-built cell's forward pass, with the backward pass through time written by hand.

    `CraftBPTT.apply(x, W_xf, W_hf, b_f, ..., b_o)`, parameters in CraftLSTM.PARAMETER_NAMES order:
    x (B, T) -> predictions H_T (B,). The parameters broadcast as in CraftLSTM: 0-d for one cell;
    for a population of N cells, weights on the input and biases (N, 1, 1), weights on the memory
    (N, 1) (lottery.population), giving predictions (N, B). Any loss can follow: autograd hands
    the backward dH_T, and the rest is the equations in this module's docstring.
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
    """L = w * sum_b (H_T - y)^2 over the last dimension (w as in the module docstring); summed over
    any population dimension in front, so that each member's gradient is its own."""
    return ((predictions - labels) ** 2).sum() * _weight(reduction, predictions.shape[-1])
