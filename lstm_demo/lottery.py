"""The initialization lottery: many random hand-built cells trained at once, with Lightning.

Adam updates every element on its own, so training the sum of the members' losses trains each
member exactly as if it were alone: one vectorised model, thousands of experiments. It answers
"how lucky was seed 42?": what share of N(0, 1) starts converge, and where seed 42 falls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import lightning as L
import numpy as np
import torch
from torch import nn

from .backward import population_loss_and_grads
from .data import training_data
from .models import CraftLSTM
from .optimizers import adam
from .recipes import resolve_device
from .tasks import BLOCK_MS, BlockSizer, RepeatedBatch
from .training import fit, make_trainer, quiet_lightning, single_thread

THRESHOLD = 1e-3  # summed squared error over both companies that counts as converged


def population(size: int, generator: torch.Generator, include_seed: int | None = 42) -> CraftLSTM:
    """`size` hand-built cells as one model whose parameters broadcast over the members.

    Weights on the input and biases have shape (size, 1, 1), so the input terms of a (B, T)
    batch are (size, B, T); weights on the memory have shape (size, 1), as the memories are
    (size, B). The cell's code is the same as for one cell.

    Member i gets the seed's init (weights N(0, 1), biases 0) from `generator`; member 0 is
    the init of `include_seed`, as new_model("craft", seed) draws it.
    """
    cell = CraftLSTM()
    draws = torch.randn(8, size, generator=generator)
    if include_seed is not None:
        draws[:, 0] = torch.randn(8, generator=torch.Generator().manual_seed(include_seed))
    order = [f"w_{source}{gate}" for gate in "fico" for source in "hx"]  # the seed's draw order
    for name in CraftLSTM.PARAMETER_NAMES:
        value = draws[order.index(name)] if name in order else torch.zeros(size)
        shape = (size, 1) if name.startswith("w_h") else (size, 1, 1)
        setattr(cell, name, nn.Parameter(value.reshape(shape).clone()))
    return cell


def population_predictions(rows: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """The hand-built cell's equations (models.py) for a population, the four gates side by side.

    `rows` (12, N): the members' parameters in CraftLSTM.PARAMETER_NAMES order, that is gate by
    gate (f, i, c, o) the weight on X_t, the weight on H_{t-1} and the bias; x (B, T) -> H_T (N, B).
    The same numbers as CraftLSTM on lottery.population (tests/test_explore.py), in under half its
    PyTorch calls: one multiply-add and one sigmoid a step serve all four gates. What the lottery
    trains through with autograd on a GPU.
    """
    gates = rows.view(4, 3, -1)  # (gate, [W_x, W_h, b], member)
    W_x, W_h, b = gates[:, 0, :, None, None], gates[:, 1, :, None], gates[:, 2, :, None, None]
    # addcmul(a, b, c) = a + b * c in one call (and one autograd node): calls are the cost here.
    # unbind rather than indexing: one autograd node that stacks the gradients, instead of one per
    # index that writes into a tensor of zeros.
    XZs = torch.addcmul(b, x, W_x).unbind(-1)  # X_t W_x + b for every step: T of (4, N, B)
    H = C = None  # H_0 = C_0 = 0
    for XZ in XZs:
        Z = XZ if H is None else torch.addcmul(XZ, H, W_h)  # Z^f, Z^i, Z^c, Z^o: (4, N, B)
        F, I, _, O = torch.sigmoid(Z).unbind(0)  # noqa: E741 (I is the input gate's name)
        C_tilde = torch.tanh(Z.unbind(0)[2])
        new = I * C_tilde  # I_t C~_t
        C = new if C is None else torch.addcmul(new, F, C)  # C_t = F_t C_{t-1} + I_t C~_t
        H = O * torch.tanh(C)  # H_t = O_t tanh(C_t)
    return H


class PopulationTask(L.LightningModule):
    """Many hand-built cells at once: the initialization lottery.

    The loss is the sum of the members' losses, so each member's gradient is its own, and Adam,
    which updates every element on its own, trains each exactly as if it were alone.

    As LSTMTask does, one Lightning step carries a block of epochs (~tasks.BLOCK_MS of work), so
    Lightning's per-step cost is paid per block. The 12 parameters train as one (12, N) tensor
    (`rows`) with Adam's fused kernel (optimizers.adam), one kernel a step instead of a dozen
    foreach kernels over 12 tensors; the values go back into the cell's parameters at the end.
    The gradients: on the CPU, the hand-written backward in NumPy (backward.population_loss_and_grads)
    writes `rows.grad` through a view (a NumPy operation costs a fraction of an eager PyTorch one;
    `python bench/backward_speed.py`, lottery rows); on a GPU, autograd through `population_predictions`.
    """

    def __init__(self, cell: CraftLSTM, learning_rate: float, epochs: int, *, block_ms: float = BLOCK_MS):
        super().__init__()
        self.cell, self.learning_rate, self.epochs = cell, learning_rate, epochs
        self.automatic_optimization = False
        self.blocks = BlockSizer(block_ms)
        self.epochs_done = 0
        self.rows: nn.Parameter | None = None
        self.arrays: tuple | None = None  # NumPy views of rows and rows.grad (CPU), for the hand-written backward

    def configure_optimizers(self):
        # Made here, once the cell is on the training device; not registered, so not in state_dict.
        rows = [getattr(self.cell, name).detach().reshape(-1) for name in CraftLSTM.PARAMETER_NAMES]
        self.__dict__["rows"] = nn.Parameter(torch.stack(rows))  # (12, N)
        if self.rows.device.type == "cpu":  # the gradients by hand, in NumPy, through views (no zero_grad)
            self.rows.grad = torch.zeros_like(self.rows)
            self.arrays = (self.rows.detach().numpy(), self.rows.grad.numpy())
        return adam([self.rows], self.learning_rate)

    def training_step(self, batch, batch_idx):
        x, y = batch  # (2, 4), (2,)
        # The torch optimizer Lightning wraps, and loss.backward(): see LSTMTask._torch_optimizer.
        optimizer = self.optimizers().optimizer
        epochs = self.blocks.start(self.epochs - self.epochs_done)
        if self.arrays is not None:  # CPU: the hand-written backward fills rows.grad through its view
            values, grads = self.arrays
            x_array, y_array = x.numpy(), y.numpy()
            with np.errstate(all="ignore"):  # a diverging member's NaN stays its own, quietly
                for _ in range(epochs):
                    population_loss_and_grads(values, x_array, y_array, grads)
                    optimizer.step()
        else:  # a GPU: autograd, which NumPy cannot follow there
            for _ in range(epochs):
                optimizer.zero_grad()
                ((population_predictions(self.rows, x) - y) ** 2).sum().backward()
                optimizer.step()
        self.epochs_done += epochs
        self.blocks.done(epochs)
        if self.epochs_done >= self.epochs:
            self.trainer.should_stop = True

    def on_train_end(self):
        if self.rows is not None:
            with torch.no_grad():
                for name, row in zip(CraftLSTM.PARAMETER_NAMES, self.rows):
                    parameter = getattr(self.cell, name)
                    parameter.copy_(row.view(parameter.shape))


@dataclass
class LotteryResult:
    inits: int
    epochs: int
    learning_rate: float
    device: str
    final_losses: list[float]  # summed squared error over the two companies, per init
    converged_share: float  # share with summed squared error below THRESHOLD
    seed_42_loss: float
    seed_42_rank: float  # share of inits that ended with a lower loss than seed 42
    seconds: float
    model_steps_per_second: float

    def summary(self) -> dict:
        return {
            "inits": self.inits,
            "epochs": self.epochs,
            "learning_rate": self.learning_rate,
            "device": self.device,
            "converged_share": self.converged_share,
            "converged": round(self.converged_share * self.inits),
            "threshold": THRESHOLD,
            "seed_42_loss": self.seed_42_loss,
            "seed_42_converged": self.seed_42_loss < THRESHOLD,
            "seed_42_rank": self.seed_42_rank,
            "median_loss": sorted(self.final_losses)[len(self.final_losses) // 2],
            "seconds": round(self.seconds, 4),
            "model_steps_per_second": round(self.model_steps_per_second),
        }


def lottery(
    inits: int,
    epochs: int,
    learning_rate: float = 0.1,
    device: str = "cpu",
    seed: int = 0,
    *,
    block_ms: float = BLOCK_MS,
    callbacks: list | tuple = (),
) -> LotteryResult:
    """Train `inits` random hand-built cells at once (full batch, Adam), with Lightning.

    `block_ms`: milliseconds of work per Lightning step (PopulationTask).
    `callbacks`: more Lightning callbacks (the Space's Stop and time limit, checked between
    blocks); a callback that stops the run early leaves `epochs` at the epochs that ran.
    """
    torch_device = resolve_device(device)
    cell = population(inits, torch.Generator().manual_seed(seed)).to(torch_device)
    task = PopulationTask(cell, learning_rate, epochs, block_ms=block_ms)
    inputs, labels = (t.to(torch_device) for t in training_data())
    steps = RepeatedBatch((inputs, labels), epochs)
    with single_thread(), quiet_lightning():
        # On a GPU, fit ends by copying the module to the CPU, which waits for the last kernel.
        trainer = make_trainer(torch_device, callbacks)
        seconds = fit(trainer, task, steps)
    epochs = task.epochs_done  # fewer than asked when stopped early
    with torch.no_grad():  # Lightning hands the module back on the CPU after fit
        cell = cell.to(torch_device)
        losses = ((cell(inputs) - labels) ** 2).sum(dim=1).nan_to_num(nan=math.inf).cpu()  # (inits,)
    seed_loss = losses[0].item()
    return LotteryResult(
        inits=inits,
        epochs=epochs,
        learning_rate=learning_rate,
        device=torch_device,
        final_losses=losses.tolist(),
        converged_share=(losses < THRESHOLD).float().mean().item(),
        seed_42_loss=seed_loss,
        seed_42_rank=(losses < seed_loss).float().mean().item(),
        seconds=seconds,
        model_steps_per_second=inits * epochs / seconds if seconds > 0 else math.inf,
    )
