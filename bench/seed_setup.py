"""The seed's own Lightning setup, kept as the baseline the benchmarks measure the project against.

This module is what the benchmark scripts import as their baseline. The code below is the
seed's (`/work/shared/seed/`, sections 2 and 3) as written there: the hand-built `CraftLSTM` with
its twelve `nn.Parameter`s under the seed's names, drawn with `torch.normal` in the seed's order;
`CustomLSTM` around `nn.LSTM(1, 1)` fed `input.view(len(input), 1)`; a training step that logs
"Train Loss" and "Out 0" / "Out 1" every step; `TensorDataset` + a default `DataLoader` (batch of
one, no shuffle); a default `L.Trainer(max_epochs=N)` (default logger, checkpointing and model
summary; the nn.LSTM one with the seed's `log_every_n_steps=2`), after `L.seed_everything(42)`
(FACTS.md: the seed seeds before it builds the model).

What differs from the seed, and why:
- The hand-built forward loop runs over time steps. The seed's `for index in input:
  ... input[index]` indexes the sequence by its values (a bug, FACTS.md); kept, it trains a
  different model and the numbers would not be comparable.
- The default logger and checkpoints go to a temporary folder (`default_root_dir`) that is
  removed afterwards, so the working tree stays clean. The default progress bar stays on, as in
  the seed, but draws into memory instead of a terminal (which would cost more).
- `torch.set_num_threads(1)`, as the project does: on a busy 2-core machine threads make these
  tiny models several times slower, and the comparison should be about the training setup.
- Lightning's info lines, its advice warnings and the printed model summary are kept out of the
  output (they are still produced, so the work inside `trainer.fit` is the seed's).

`train_seed(kind, epochs)` runs it and returns (prediction A, prediction B, seconds in
`trainer.fit`). With the seed's recipes it reproduces FACTS.md: craft 2000 epochs 0.4342 /
0.6171, builtin 300 epochs 6.78e-05 / 0.9809. `check()` verifies that (~15 s), and so does
`python bench/seed_setup.py`.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
import tempfile
import time
import warnings

import lightning as L
import torch
import torch.nn as nn
from torch.optim import Adam
from torch.utils.data import DataLoader, TensorDataset

# --- The seed's code (section 2: PyTorch's LSTM) ------------------------------------------------


class CustomLSTM(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=1)

    def forward(self, input):
        input_trans = input.view(len(input), 1)

        lstm_out, tmp = self.lstm(input_trans)
        prediction = lstm_out[-1]

        return prediction

    def configure_optimizers(self):
        return Adam(self.parameters(), lr=0.1)

    def training_step(self, batch, batch_index):
        input_i, label_i = batch
        output_i = self.forward(input_i[0])
        loss = (output_i - label_i) ** 2

        self.log("Train Loss", loss)

        if label_i == 0:
            self.log("Out 0", output_i)
        else:
            self.log("Out 1", output_i)

        return loss


# --- The seed's code (section 3: the hand-built LSTM) -------------------------------------------


class CraftLSTM(L.LightningModule):
    def __init__(self):
        super().__init__()
        mean = torch.tensor(0.0)
        std = torch.tensor(1.0)

        # forget gate
        self.wlr1 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.wlr2 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.blr1 = nn.Parameter(torch.tensor(0.0), requires_grad=True)

        # input gate
        self.wpr1 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.wpr2 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.bpr1 = nn.Parameter(torch.tensor(0.0), requires_grad=True)
        self.wp1 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.wp2 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.bp1 = nn.Parameter(torch.tensor(0.0), requires_grad=True)

        # output gate
        self.wo1 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.wo2 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.bo1 = nn.Parameter(torch.tensor(0.0), requires_grad=True)

    def lstm_unit(self, input, long_memory, short_memory):
        # 1 forget gate
        long_remeber_percent = torch.sigmoid((short_memory * self.wlr1) + (input * self.wlr2) + self.blr1)

        # 2 input gate
        potential_remeber_percent = torch.sigmoid((short_memory * self.wpr1) + (input * self.wpr2) + self.bpr1)
        potential_memory = torch.tanh((short_memory * self.wp1) + (input * self.wp2) + self.bp1)
        updated_long_memory = (long_memory * long_remeber_percent) + (potential_memory * potential_remeber_percent)

        # 3 output gate
        output_percent = torch.sigmoid((short_memory * self.wo1) + (input * self.wo2) + self.bo1)
        updated_short_memory = torch.tanh(updated_long_memory) * output_percent

        # 4 output
        return [updated_long_memory, updated_short_memory]

    def forward(self, input):
        long_memory = 0
        short_memory = 0

        # The one fix to the seed: loop over time steps. The seed wrote `for index in input:`,
        # which indexes the sequence by its own values (0., 0.5, ... -> positions 0, 0, 0, 1).
        for index in range(len(input)):
            long_memory, short_memory = self.lstm_unit(input[index], long_memory, short_memory)

        return short_memory

    def configure_optimizers(self):
        return Adam(self.parameters())

    def training_step(self, batch, batch_index):
        input_i, label_i = batch
        output_i = self.forward(input_i[0])
        loss = (output_i - label_i) ** 2

        self.log("Train Loss", loss)

        if label_i == 0:
            self.log("Out 0", output_i)
        else:
            self.log("Out 1", output_i)

        return loss


# --- Running it ----------------------------------------------------------------------------------

SEED_MODELS = {"craft": CraftLSTM, "builtin": CustomLSTM}

# The seed's recipes, and the predictions FACTS.md reports for them (Company A, Company B).
SEED_EPOCHS = {"craft": 2000, "builtin": 300}  # as the seed's text trains them
CONVERGED_EPOCHS = {"craft": 5000, "builtin": 300}  # the recipes' ends (StatQuest's weights)
EXPECTED = {("craft", 2000): (0.4342, 0.6171), ("builtin", 300): (6.78e-05, 0.9809)}

COMPANY_A = [0.0, 0.5, 0.25, 1.0]
COMPANY_B = [1.0, 0.5, 0.25, 1.0]


@contextlib.contextmanager
def quiet_lightning():
    """Silence what Lightning prints for a default Trainer; nothing it computes changes."""
    loggers = [logging.getLogger(name) for name in ("lightning.pytorch", "lightning.fabric", "lightning")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.WARNING)
    with warnings.catch_warnings():
        # The advice a default Trainer gives for a two-sequence dataset (workers, logging interval,
        # batch-size inference) and a Lightning-vs-torch 2.13 deprecation: noise in a benchmark.
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        try:
            yield
        finally:
            for lg, level in zip(loggers, levels):
                lg.setLevel(level)


def train_seed(kind: str, epochs: int) -> tuple[float, float, float]:
    """Train the seed's model `kind` ("craft" or "builtin") for `epochs` epochs as the seed does.

    Returns (prediction for Company A, prediction for Company B, seconds spent in trainer.fit).
    """
    torch.set_num_threads(1)
    root = tempfile.mkdtemp(prefix="lstm_seed_bench_")
    try:
        with quiet_lightning():
            L.seed_everything(42)  # FACTS.md: the seed seeds before it builds the model
            model = SEED_MODELS[kind]()

            inputs = torch.tensor([COMPANY_A, COMPANY_B])
            labels = torch.tensor([0.0, 1.0])
            dataset = TensorDataset(inputs, labels)
            dataloader = DataLoader(dataset)

            # The seed's section 2 gives its nn.LSTM trainer log_every_n_steps=2; section 3 uses
            # the default Trainer.
            extra = {"log_every_n_steps": 2} if kind == "builtin" else {}
            trainer = L.Trainer(max_epochs=epochs, default_root_dir=root, **extra)
            # The model summary (stdout) and the progress bar (stderr) are drawn as in the seed,
            # into memory rather than onto the benchmark's report.
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                started = time.perf_counter()
                trainer.fit(model, train_dataloaders=dataloader)
                seconds = time.perf_counter() - started

        with torch.no_grad():
            a = float(model(torch.tensor(COMPANY_A)).detach().reshape(()))
            b = float(model(torch.tensor(COMPANY_B)).detach().reshape(()))
        return a, b, seconds
    finally:
        shutil.rmtree(root, ignore_errors=True)


def check(tolerance: float = 1e-4) -> bool:
    """Reproduce FACTS.md's numbers for the seed's two recipes; print and return whether they match."""
    ok = True
    for (kind, epochs), (want_a, want_b) in EXPECTED.items():
        a, b, seconds = train_seed(kind, epochs)
        match = abs(a - want_a) <= tolerance and abs(b - want_b) <= tolerance
        ok &= match
        print(
            f"seed {kind:7s} {epochs:5d} epochs: A {a:.6g} (FACTS {want_a:g}), B {b:.6g} (FACTS {want_b:g}), "
            f"fit {seconds:.2f} s: {'PASS' if match else 'FAIL'}"
        )
    return ok


if __name__ == "__main__":
    raise SystemExit(0 if check() else 1)
