"""The command line: a thin layer over the package. Its names and JSON keys are a public contract.

    python -m lstm_demo predict --model craft "1, 0.5, 0.25, 1"
    python -m lstm_demo trace --model builtin --json "0 0.5 0.25 1"
    python -m lstm_demo train --model craft --recipe statquest --out weights/craft
    python -m lstm_demo parity
    python -m lstm_demo publish --repo USER/REPO --dry-run
    python -m lstm_demo diagram --model craft --step 3 "1, 0.5, 0.25, 1" > cell.svg

Bad input exits with status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from .data import format_sequence, parse_sequence
from .errors import InputError, LSTMDemoError
from .limits import Limits
from .models import MODEL_KINDS
from .recipes import DEVICES, RECIPE_NAMES, check_options, get_recipe, resolve_device

# A negative number argparse would take for an option: "-1e-3", "-2e-1", "-.5", "-inf" (argparse on
# Python 3.11 only treats "-5" and "-0.5" as positional).
_NEGATIVE_NUMBER = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)
_SEQUENCE_COMMANDS = ("predict", "trace", "diagram")
# The options of the sequence commands that take a value: the token after one is never a sequence item.
_VALUE_OPTIONS = ("--model", "--weights", "--revision", "--step", "--language", "--names", "--layout")


def _add_sequence(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sequence", nargs="*", help='numbers separated by commas and/or spaces, e.g. "0, 0.5, 0.25, 1"')


def _add_weights(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", choices=MODEL_KINDS, required=True)
    parser.add_argument(
        "--weights", help="a folder, a .safetensors file or a Hub repo id (default: the bundled weights)"
    )
    parser.add_argument("--revision", help="with a Hub repo id: a branch, tag or commit")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


class _Parser(argparse.ArgumentParser):
    """argparse with its refusals on one line, like every other refusal of the command line."""

    def error(self, message: str):
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m lstm_demo", description="LSTM, built two ways: predict, look inside, train.")
    commands = parser.add_subparsers(dest="command", required=True)

    predict = commands.add_parser("predict", help="a pretrained model's prediction for a sequence")
    _add_weights(predict)
    _add_sequence(predict)

    trace = commands.add_parser("trace", help="the gates and memories at every step")
    _add_weights(trace)
    _add_sequence(trace)

    train = commands.add_parser("train", help="train a model with Lightning")
    train.add_argument("--model", choices=MODEL_KINDS, required=True)
    train.add_argument("--recipe", choices=RECIPE_NAMES, default="fast")
    train.add_argument("--epochs", type=int, help="recipe epochs (default: the recipe's)")
    train.add_argument("--lr", type=float, help="Adam's learning rate (default: the recipe's)")
    train.add_argument("--seed", type=int, help="initialisation seed (default 42, as the seed's code)")
    train.add_argument("--device", choices=DEVICES, default="cpu")
    train.add_argument("--max-seconds", type=float, help="wall-time limit (default: LSTM_DEMO_MAX_TRAIN_SECONDS, 60)")
    train.add_argument("--out", help="save the trained model here (model.safetensors, config.json, README.md)")
    train.add_argument("--json", action="store_true", help="end with one JSON line")

    parity = commands.add_parser("parity", help="transplant random weights both ways; report the largest difference")
    parity.add_argument("--trials", type=int, default=200)
    parity.add_argument("--json", action="store_true")

    publish = commands.add_parser("publish", help="upload the bundled weights to a Hub model repo")
    publish.add_argument("--repo", required=True, help="USER/NAME")
    publish.add_argument("--dry-run", action="store_true", help="list what would be uploaded, upload nothing")
    diagram = commands.add_parser(
        "diagram", help="the LSTM cell drawn as SVG (both companies when no sequence is given)"
    )
    diagram.add_argument("--model", choices=MODEL_KINDS, required=True)
    diagram.add_argument(
        "--weights", help="a folder, a .safetensors file or a Hub repo id (default: the bundled weights)"
    )
    diagram.add_argument("--revision", help="with a Hub repo id: a branch, tag or commit")
    diagram.add_argument("--step", type=int, help="the day drawn in full, 1-based (default: the last)")
    diagram.add_argument("--language", choices=("en", "zh"), default="en")
    diagram.add_argument("--names", choices=("equations", "statquest"), default="equations")
    diagram.add_argument("--layout", choices=("unrolled", "single"), default="unrolled", help="single: a phone's")
    _add_sequence(diagram)
    parser.commands = commands  # main() parses the sequence commands with their own parser
    return parser


def cmd_predict(args) -> None:
    from .weights import load_model

    sequence = parse_sequence(" ".join(args.sequence))
    model = load_model(args.model, args.weights, args.revision)
    prediction = model.predict(sequence)
    if args.json:
        print(json.dumps({"model": args.model, "sequence": sequence, "prediction": prediction}))
    else:
        print(f"{args.model}: {format_sequence(sequence)} -> {prediction:.6g}")


def cmd_trace(args) -> None:
    import torch

    from .weights import load_model

    sequence = parse_sequence(" ".join(args.sequence))
    model = load_model(args.model, args.weights, args.revision)
    with torch.no_grad():
        rows = model.trace(torch.tensor(sequence)).rows()
    if args.json:
        print(json.dumps({"model": args.model, "sequence": sequence, "steps": rows}))
        return
    columns = list(rows[0])
    print("  ".join(f"{c:>12}" for c in columns))
    for row in rows:
        print("  ".join(f"{row[c]:>12d}" if c == "step" else f"{row[c]:>12.6f}" for c in columns))


def cmd_diagram(args) -> None:
    from .data import COMPANIES, known_label
    from .diagram import draw
    from .weights import load_model

    companies = {c.name: list(c.sequence) for c in COMPANIES}
    values = parse_sequence(" ".join(args.sequence)) if args.sequence else None
    # No sequence, or a company's: both companies, one above the other (with their labels).
    sequences = companies if values is None or known_label(values) is not None else {"": values}
    longest = max(len(v) for v in sequences.values())
    if args.step is not None and not 1 <= args.step <= longest:
        raise InputError(key="cli.step", params={"length": longest})
    model = load_model(args.model, args.weights, args.revision)
    source = None if args.weights is None else args.weights  # None: what the bundled weights are
    svg = draw(model, sequences, args.step, language=args.language, names=args.names, layout=args.layout, source=source)
    sys.stdout.write(svg + "\n")


def cmd_train(args) -> None:
    # Every option is checked before Lightning is imported (seconds), so a typo is refused at once.
    check_options(args.epochs, args.lr, args.seed, args.max_seconds, Limits.from_env())
    resolve_device(args.device)

    from .training import train
    from .weights import save_model

    bar = None
    if not args.json and sys.stderr.isatty():
        from tqdm import tqdm

        total = args.epochs or get_recipe(args.recipe, args.model).epochs
        bar = tqdm(total=total, unit="epoch", file=sys.stderr)

    def on_epoch(record) -> None:
        if bar is not None:
            bar.update(1)
            bar.set_postfix(
                loss=f"{record.loss:.3g}", A=f"{record.company_a:.3f}", B=f"{record.company_b:.3f}", refresh=False
            )

    try:
        result = train(
            args.model,
            args.recipe,
            epochs=args.epochs,
            learning_rate=args.lr,
            seed=args.seed,
            device=args.device,
            max_seconds=args.max_seconds,
            on_epoch=on_epoch if bar is not None else None,
        )
    finally:
        if bar is not None:
            bar.close()
    summary = result.summary()
    if args.out:
        command = f"python -m lstm_demo train --model {args.model} --recipe {args.recipe}"
        for flag, value in (("--epochs", args.epochs), ("--lr", args.lr), ("--seed", args.seed)):
            if value is not None:
                command += f" {flag} {value}"
        save_model(result.model, args.out, {**summary, "command": command + f" --out {args.out}"})
    summary["out"] = args.out
    if args.json:
        print(json.dumps(summary))
    else:
        p = summary["predictions"]
        print(
            f"{args.model} ({args.recipe}): {summary['epochs']} epochs in {summary['seconds']:.3f} s "
            f"on {summary['device']}, {summary['stop_reason']}; loss {summary['loss']:.3g}; "
            f"Company A -> {p['company_a']:.4f}, Company B -> {p['company_b']:.4f}"
            + (f"; saved to {args.out}" if args.out else "")
        )


def cmd_parity(args) -> None:
    from .parity import parity_check

    if not 1 <= args.trials <= 100_000:
        raise InputError(key="cli.trials")
    report = parity_check(trials=args.trials)
    if args.json:
        print(json.dumps(report))
    else:
        worst = report["largest_difference"]
        print(
            f"{report['trials']} random weight sets, lengths 1-{report['max_length']}, transplanted both ways; "
            f"largest difference: prediction {worst['prediction']:.2e}, trace {worst['trace']:.2e}, "
            f"gradient {worst['gradient']:.2e}"
        )


def cmd_publish(args) -> None:
    from .weights import publish

    files = publish(args.repo, dry_run=args.dry_run)
    verb = "would upload" if args.dry_run else "uploaded"
    print(f"{verb} to https://huggingface.co/{args.repo}:")
    for line in files:
        print(f"  {line}")


COMMANDS = {
    "predict": cmd_predict,
    "trace": cmd_trace,
    "train": cmd_train,
    "parity": cmd_parity,
    "publish": cmd_publish,
    "diagram": cmd_diagram,
}


def _hide_negative_numbers(argv: list[str]) -> tuple[list[str], dict[str, str]]:
    """Replace each negative number of a sequence by a placeholder argparse reads as positional.

    Placeholders keep every item in its place: `predict -1e-3 2 -3` stays -0.001, 2, -3. Without
    them argparse sets "-1e-3" aside as an unknown option, and its order is lost.
    """
    hidden: dict[str, str] = {}
    out: list[str] = []
    for position, token in enumerate(argv):
        previous = argv[position - 1] if position else ""
        takes_value = len(previous) > 2 and any(option.startswith(previous) for option in _VALUE_OPTIONS)
        if _NEGATIVE_NUMBER.match(token) and not takes_value:
            placeholder = f"\0{position}"  # NUL cannot come from a command line
            hidden[placeholder] = token
            token = placeholder
        out.append(token)
    return out, hidden


def parse_args(argv: list[str]) -> argparse.Namespace:
    """argparse, with a sequence's items kept in the order given, negative or not, before or after options."""
    parser = build_parser()
    command = next((token for token in argv if not token.startswith("-")), None)
    if command not in _SEQUENCE_COMMANDS:
        return parser.parse_args(argv)
    at = argv.index(command)
    if any(token.startswith("-") for token in argv[:at]):  # e.g. -h before the command
        return parser.parse_args(argv)
    rest, hidden = _hide_negative_numbers(argv[at + 1 :])
    # Intermixed: `predict 1 --model craft 2` is 1, 2 (plain parsing stops the sequence at the option).
    args = parser.commands.choices[command].parse_intermixed_args(rest)
    args.command = command
    args.sequence = [hidden.get(item, item) for item in args.sequence]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        COMMANDS[args.command](args)
    except LSTMDemoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
