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
the arithmetic (a few hundred multiplications). A step of eager autograd with Adam dispatches a few
hundred PyTorch operators; the float form below needs none, and a step with a fused torch optimizer
on top of it needs two.

- `loss_and_grads`: plain Python floats, for a batch of one or two sequences (the statquest and
  fast recipes), what the trainer uses for the hand-built cell on the CPU (tasks.py). `FlatCraft`
  holds the 12 values as one flat (12,) parameter for a fused torch optimizer, read and written
  through NumPy views, so that a torch optimizer still takes the step without a PyTorch call per value.
- `population_loss_and_grads`: the same backward in NumPy for a population laid out as the
  lottery trains it (one (12, N) array), what the lottery uses on the CPU: a NumPy operation on a
  few thousand numbers costs a fraction of an eager PyTorch one.

Both are checked against autograd through CraftLSTM in tests/test_backward.py;
`python bench/backward_speed.py` measures them against the other forms it keeps (bench/baselines.py).
"""

from __future__ import annotations

import numpy as np
import torch

from .models import CraftLSTM, float_steps

REDUCTIONS = ("sum", "mean")


def _weight(reduction: str, batch: int) -> float:
    """w in L = w * sum_b (H_T - y)^2."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'sum' or 'mean', not {reduction!r}")
    return 1.0 if reduction == "sum" else 1.0 / batch


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
    W_hf, W_hi, W_hc, W_ho = params[1::3]  # the weights on H_{t-1}: dH_{t-1} flows back through them
    w = _weight(reduction, len(sequences))
    dW_xf = dW_hf = db_f = dW_xi = dW_hi = db_i = dW_xc = dW_hc = db_c = dW_xo = dW_ho = db_o = 0.0
    loss = 0.0
    predictions = []
    for X, y in zip(sequences, labels):
        # Forward (models.float_steps), keeping what the backward needs: per step F, I, C~, O, C, tanh(C), H.
        Fs, Is, Cts, Os, Cs, tanhCs, Hs = float_steps(params, X)
        H = Hs[-1]
        predictions.append(H)
        loss += w * (H - y) ** 2

        # Backward through time.
        dH = 2.0 * w * (H - y)
        dC_next = F_next = 0.0  # dC_{T+1} F_{T+1}: nothing flows back from beyond the last step
        for t in range(len(X) - 1, -1, -1):
            X_t, H_prev, C_prev = X[t], (Hs[t - 1] if t else 0.0), (Cs[t - 1] if t else 0.0)
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


class FlatCraft:
    """The 12 parameters as one flat (12,) tensor for a torch optimizer, read and written as floats.

    What the trainer uses: a fused optimizer steps one tensor at a cost per call, not per value,
    so one (12,) tensor is cheaper to step than 12 scalars (bench/backward_speed.py). The model keeps its 12 scalar parameters, their names and its files: the flat
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
    cost is the cost per operation, and a NumPy operation costs a fraction of an eager PyTorch one
    (`python bench/backward_speed.py`, lottery rows, against autograd through
    lottery.population_predictions). Arrays are laid out (gate, B, N), the members contiguous.
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
