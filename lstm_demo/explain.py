"""Words and formulas for one step of a trace: what the Inside tab shows beside the numbers."""

from __future__ import annotations

# The six equations of the seed's section 1, in LaTeX, in the order the cell computes them.
EQUATIONS = (
    r"F_t = \sigma(X_t W_{xf} + H_{t-1} W_{hf} + b_f)",
    r"I_t = \sigma(X_t W_{xi} + H_{t-1} W_{hi} + b_i)",
    r"\tilde{C}_t = \tanh(X_t W_{xc} + H_{t-1} W_{hc} + b_c)",
    r"O_t = \sigma(X_t W_{xo} + H_{t-1} W_{ho} + b_o)",
    r"C_t = F_t \odot C_{t-1} + I_t \odot \tilde{C}_t",
    r"H_t = O_t \odot \tanh(C_t)",
)

SENTENCES = {
    "en": (
        "Step {step} (input {x:g}): kept {forget:.0%} of the long-term memory, let in {input:.0%} of the "
        "candidate {candidate:+.3f}, and passed {output:.0%} of tanh(C) on: C = {c:+.4f}, H = {h:+.4f}."
    ),
    "zh": (
        "第 {step} 步(输入 {x:g}):保留了 {forget:.0%} 的长期记忆,让候选值 {candidate:+.3f} 的 {input:.0%} 进入,"
        "并输出 tanh(C) 的 {output:.0%}:C = {c:+.4f},H = {h:+.4f}。"
    ),
}


def step_sentence(row: dict, language: str = "en") -> str:
    """One sentence saying what the gates did at this step (row: a Trace.rows() entry)."""
    template = SENTENCES.get(language, SENTENCES["en"])
    return template.format(
        step=int(row["step"]),
        x=row["input"],
        forget=row["forget_gate"],
        input=row["input_gate"],
        candidate=row["candidate"],
        output=row["output_gate"],
        c=row["long_memory"],
        h=row["short_memory"],
    )


def step_equations(row: dict, previous: dict | None, weights: dict[str, float]) -> str:
    """The six equations with this step's numbers filled in, as display LaTeX (one block each).

    `weights` maps the hand-built cell's parameter names (w_xf, w_hf, b_f, ...) to values; for the
    built-in model they are its weights in that layout (its two biases summed).
    """
    x = row["input"]
    h_prev = previous["short_memory"] if previous else 0.0
    c_prev = previous["long_memory"] if previous else 0.0
    w = weights

    def gate(name: str, symbol: str, fn: str, key: str) -> str:
        return (
            rf"{symbol} = {fn}({x:.3g} \cdot {w[f'w_x{key}']:.3f} + {h_prev:.3f} \cdot {w[f'w_h{key}']:.3f} "
            rf"+ {w[f'b_{key}']:.3f}) = {row[name]:.4f}"
        )

    lines = [
        gate("forget_gate", "F_t", r"\sigma", "f"),
        gate("input_gate", "I_t", r"\sigma", "i"),
        gate("candidate", r"\tilde{C}_t", r"\tanh", "c"),
        gate("output_gate", "O_t", r"\sigma", "o"),
        rf"C_t = {row['forget_gate']:.4f} \cdot {c_prev:.4f} + {row['input_gate']:.4f} \cdot {row['candidate']:.4f} = {row['long_memory']:.4f}",
        rf"H_t = {row['output_gate']:.4f} \cdot \tanh({row['long_memory']:.4f}) = {row['short_memory']:.4f}",
    ]
    return "\n\n".join(f"$${line}$$" for line in lines)


def equations_markdown() -> str:
    return "\n\n".join(f"$${e}$$" for e in EQUATIONS)
