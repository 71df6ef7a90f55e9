"""Every sentence the server writes, by key, in English and Chinese side by side.

An error carries its key and the values it names (`InputError(key="sequence.nan", params={...})`);
the Space writes it in the visitor's language with `say(key, language, **params)`, scripts and the
command line get English. A test checks that every key has both languages with the same
placeholders, and that every error the package raises names a key of this catalogue.

Chinese text uses full-width punctuation (，。：；（）); numbers, code and quoted input stay as
they are. Words a sentence fills in (`what`: "number of epochs") are translated through WORDS.
"""

from __future__ import annotations

import string

LANGUAGES = ("en", "zh")

MESSAGES: dict[str, tuple[str, str]] = {
    # -- sequences (data.parse_sequence) --
    "sequence.not_text": (
        "A sequence must be text such as '0, 0.5, 0.25, 1', not {type}.",
        "序列必须是文本，例如 '0, 0.5, 0.25, 1'，而不是 {type}。",
    ),
    "sequence.empty": (
        "The sequence is empty: enter numbers separated by commas, e.g. '0, 0.5, 0.25, 1'.",
        "序列为空：请输入用逗号分隔的数字，例如 '0, 0.5, 0.25, 1'。",
    ),
    "sequence.too_long": (
        "The sequence has {count:,} numbers; the limit is {limit:,}.",
        "序列有 {count:,} 个数字；上限是 {limit:,} 个。",
    ),
    "sequence.not_number": ("Item {position} ({shown!r}) is not a number.", "第 {position} 项（{shown!r}）不是数字。"),
    "sequence.nan": (
        "Item {position} is NaN; every value must be a finite number.",
        "第 {position} 项是 NaN；每个值都必须是有限的数字。",
    ),
    "sequence.infinite": (
        "Item {position} is infinite or too large; every value must be a finite number.",
        "第 {position} 项是无穷大或太大；每个值都必须是有限的数字。",
    ),
    # -- numbers and names (checks.py) --
    "number.whole.not": ("The {what} must be a whole number, not {shown!r}.", "{what}必须是整数，而不是 {shown!r}。"),
    "number.whole.range": (
        "The {what} must be a whole number from {low:,} to {high:,}.",
        "{what}必须是 {low:,} 到 {high:,} 之间的整数。",
    ),
    "number.real.not": ("The {what} must be a number, not {shown!r}.", "{what}必须是数字，而不是 {shown!r}。"),
    "number.real.range": (
        "The {what} must be a number from {low:g} to {high:g}.",
        "{what}必须是 {low:g} 到 {high:g} 之间的数字。",
    ),
    "choice.unknown": (
        "Unknown {what} {shown!r}; choose {options}.",
        "未知的{what} {shown!r}；请从 {options} 中选择。",
    ),
    "model.unknown": (
        "Unknown model {shown!r}; choose 'builtin' or 'craft'.",
        "未知的模型 {shown!r}；请选择 'builtin' 或 'craft'。",
    ),
    "recipe.unknown": (
        "Unknown recipe {shown!r}; choose {options}.",
        "未知的训练方案 {shown!r}；请从 {options} 中选择。",
    ),
    "device.unknown": (
        "Unknown device {shown!r}; choose 'auto', 'cpu' or 'gpu'.",
        "未知的设备 {shown!r}；请选择 'auto'、'cpu' 或 'gpu'。",
    ),
    "device.no_gpu": (
        "No GPU is available here; the devices this machine has are: {devices}.",
        "这里没有可用的 GPU；这台机器上的设备有：{devices}。",
    ),
    "training.time_limit": (
        "The time limit must be more than 0 and at most {limit:g} seconds.",
        "时间上限必须大于 0 且不超过 {limit:g} 秒。",
    ),
    "cli.trials": ("--trials must be between 1 and 100000.", "--trials 必须在 1 到 100000 之间。"),
    "cli.step": ("--step must be between 1 and {length}.", "--step 必须在 1 到 {length} 之间。"),
    # -- settings (limits.py) --
    "limits.order": (
        "{low_name} ({low:g}) is above {high_name} ({high:g}); the smallest learning rate allowed cannot exceed "
        "the largest.",
        "{low_name}（{low:g}）大于 {high_name}（{high:g}）；允许的最小学习率不能超过最大学习率。",
    ),
    "limits.range.whole": (
        "{name} must be a whole number from {low:,} to {high:,}, not {value!r}.",
        "{name} 必须是 {low:,} 到 {high:,} 之间的整数，而不是 {value!r}。",
    ),
    "limits.range.real": (
        "{name} must be a number from {low:,g} to {high:,g}, not {value!r}.",
        "{name} 必须是 {low:,g} 到 {high:,g} 之间的数字，而不是 {value!r}。",
    ),
    # -- weights files, folders and the Hub (weights.py, ui/common.file_path) --
    "call.count": ("{where} takes {count} values, not {got}.", "{where} 需要 {count} 个值，而不是 {got} 个。"),
    "call.count.one": ("{where} takes 1 value, not {got}.", "{where} 需要 1 个值，而不是 {got} 个。"),
    "call.value": (
        "Value {index} sent to {where} cannot be used: it should be {kind}.",
        "发送到 {where} 的第 {index} 个值无法使用：它应当是 {kind}。",
    ),
    "call.values": (
        "The values sent to {where} cannot be used: it takes {kinds}.",
        "发送到 {where} 的值无法使用：它需要 {kinds}。",
    ),
    "upload.missing": ("Upload a .safetensors file first.", "请先上传一个 .safetensors 文件。"),
    "upload.not_safetensors": ("Only .safetensors files are accepted.", "只接受 .safetensors 文件。"),
    "weights.layout.missing": (
        "The tensors do not match either model's layout (missing {missing}).",
        "张量与两个模型的结构都不匹配（缺少 {missing}）。",
    ),
    "weights.layout.extra": (
        "The tensors do not match either model's layout (unexpected {extra}).",
        "张量与两个模型的结构都不匹配（多出 {extra}）。",
    ),
    "weights.layout.both": (
        "The tensors do not match either model's layout (missing {missing}; unexpected {extra}).",
        "张量与两个模型的结构都不匹配（缺少 {missing}；多出 {extra}）。",
    ),
    "safetensors.too_small": (
        "The file is too short to be a .safetensors file: it is empty or truncated.",
        "文件太短，不可能是 .safetensors 文件：它是空的或被截断了。",
    ),
    "safetensors.header_length": (
        "The file's header claims more bytes than the file has: it is truncated or not a .safetensors file.",
        "文件头声称的字节数比文件实际的多：它被截断了，或者不是 .safetensors 文件。",
    ),
    "safetensors.header_large": (
        "The file's header is larger than safetensors allows: this is not a .safetensors file.",
        "文件头比 safetensors 允许的还大：这不是 .safetensors 文件。",
    ),
    "safetensors.header_json": (
        "The file's header is not valid JSON: this is not a .safetensors file.",
        "文件头不是有效的 JSON：这不是一个有效的 .safetensors 文件。",
    ),
    "safetensors.offsets": (
        "The file's tensors do not fit the bytes it holds: it is damaged or not a .safetensors file.",
        "文件里的张量与它的字节对不上：它已损坏，或者不是 .safetensors 文件。",
    ),
    "safetensors.metadata": (
        "The file holds bytes its header does not describe: it is damaged or not a .safetensors file.",
        "文件里有文件头没有描述的字节：它已损坏，或者不是 .safetensors 文件。",
    ),
    "safetensors.other": (
        "The file is not a valid .safetensors file ({reason}).",
        "这不是一个有效的 .safetensors 文件（{reason}）。",
    ),
    "safetensors.unreadable": (
        "The file could not be read as .safetensors ({error}).",
        "无法把这个文件当作 .safetensors 读取（{error}）。",
    ),
    "weights.wrong_kind": (
        "These are weights of the {found} model, not of the {kind} model.",
        "这是{found}模型的权重，不是{kind}模型的。",
    ),
    "weights.shape": (
        "Tensor {name} has shape {shape}; the {kind} model needs {needed}.",
        "张量 {name} 的形状是 {shape}；{kind}模型需要 {needed}。",
    ),
    "weights.dtype": (
        "Tensor {name} is {dtype}; save the weights as float32.",
        "张量 {name} 的类型是 {dtype}；请以 float32 保存权重。",
    ),
    "weights.not_finite": ("Tensor {name} holds NaN or infinite values.", "张量 {name} 含有 NaN 或无穷大。"),
    "weights.too_large": (
        "The file is {size:,} bytes; weights files for these models are under 1 KB (limit {limit:,} bytes).",
        "文件有 {size:,} 字节；这些模型的权重文件不到 1 KB（上限 {limit:,} 字节）。",
    ),
    "weights.file_unreadable": (
        "The weights file {name} could not be read ({reason}).",
        "无法读取权重文件 {name}（{reason}）。",
    ),
    "weights.config_json": ("{file} in {folder} is not valid JSON.", "{folder} 中的 {file} 不是有效的 JSON。"),
    "weights.config_model": (
        "{file} in {folder} describes a different model (input_size and hidden_size must be 1).",
        "{folder} 中的 {file} 描述的是另一个模型（input_size 和 hidden_size 必须为 1）。",
    ),
    "weights.folder_empty": (
        "The folder {folder} holds no {file} (nor {kind}/{file}).",
        "文件夹 {folder} 里没有 {file}（也没有 {kind}/{file}）。",
    ),
    "weights.source_unknown": (
        "{source!r} is neither a folder, a .safetensors file nor a Hub repo id like 'user/name'.",
        "{source!r} 既不是文件夹，也不是 .safetensors 文件，也不是形如 'user/name' 的 Hub 仓库名。",
    ),
    "weights.pinned": (
        "The pinned weights {at} could not be loaded: {reason}",
        "无法加载固定版本的权重 {at}：{reason}",
    ),
    "hub.offline": (
        "{at} is not in the local Hugging Face cache and the Hub cannot be reached.",
        "{at} 不在本地的 Hugging Face 缓存中，而且连不上 Hub。",
    ),
    "hub.no_revision": ("The Hub repo {repo} has no revision {revision!r}.", "Hub 仓库 {repo} 没有版本 {revision!r}。"),
    "hub.no_repo": (
        "The Hub has no model repo {repo} (or it is private).",
        "Hub 上没有模型仓库 {repo}（或者它是私有的）。",
    ),
    "hub.download": ("{at} could not be downloaded ({error}).", "无法下载 {at}（{error}）。"),
    "hub.repo_id": ("{repo!r} is not a Hub repo id like 'user/name'.", "{repo!r} 不是形如 'user/name' 的 Hub 仓库名。"),
    # -- training (training.py, ui/retrain.py) --
    "training.interrupted": (
        "Training was interrupted before it finished; nothing was saved.",
        "训练在完成前被中断；没有保存任何内容。",
    ),
    "training.gpu_memory": ("The GPU ran out of memory; train on the CPU instead.", "GPU 内存不足；请改用 CPU 训练。"),
    "training.failed_step": (
        "Training failed inside a step ({error}); nothing was saved.",
        "训练在某一步中失败（{error}）；没有保存任何内容。",
    ),
    "training.failed": ("Training failed ({error}); nothing was saved.", "训练失败（{error}）；没有保存任何内容。"),
    "training.ended_time_limit": (
        "The work ran past its time limit ({limit:g} s) and was ended; nothing was saved.",
        "这项工作超过了时间上限（{limit:g} 秒），已被终止；没有保存任何内容。",
    ),
    "training.worker_lost": (
        "The process running this work stopped unexpectedly; nothing was saved. Please try again.",
        "运行这项工作的进程意外停止；没有保存任何内容。请再试一次。",
    ),
    # -- Explore and the drawn cell (ui/explore.py, ui/cell.py) --
    "playground.count": (
        "The playground needs {count} parameter values.",
        "游乐场需要 {count} 个参数值。",
    ),
    "switches.forget_both": (
        "The forget gate cannot be switched to 1 and 0 at once.",
        "遗忘门不能同时被强制为 1 和 0。",
    ),
    "travel.none": (
        "Train a model in Retrain first; its epochs then appear here.",
        "请先在“重新训练”中训练一个模型；之后它的各轮会显示在这里。",
    ),
    "lottery.too_many": (
        "Random starts x epochs may be at most {limit:,} per draw; this asks for {asked:,}.",
        "每次抽奖的随机初始值个数 × 轮数最多为 {limit:,}；这次请求的是 {asked:,}。",
    ),
    "cell.not_gate": ("That is not a gate of this drawing.", "这不是这幅图里的门。"),
    "cell.step_range": ("The step must be between 1 and {length}.", "步数必须在 1 到 {length} 之间。"),
    # -- the page itself --
    "server.error": ("Something went wrong on the server; please try again.", "服务器出错了，请再试一次。"),
    "link.unknown_tab": (
        "The link names no tab called {tab!r}; the tabs are {tabs}.",
        "链接里的标签页 {tab!r} 不存在；标签页有：{tabs}。",
    ),
    "link.weights": (
        "The link's weights could not be used ({reason}); showing the pretrained weights.",
        "链接里的权重无法使用（{reason}）；显示的是预训练权重。",
    ),
    "link.weights.count": (
        "The {kind} model's weights in a link are {needed} numbers separated by commas; this one has {count}.",
        "链接中{kind}模型的权重是用逗号分隔的 {needed} 个数字；这里有 {count} 个。",
    ),
    "link.shared": ("from the shared link", "来自分享的链接"),
    "step.sentence": (
        "Step {step} (input {x:g}): kept {forget:.0%} of the long-term memory, let in {input:.0%} of the "
        "candidate {candidate:+.3f}, and passed {output:.0%} of tanh(C) on: C = {c:+.4f}, H = {h:+.4f}.",
        "第 {step} 步（输入 {x:g}）：保留了 {forget:.0%} 的长期记忆，让候选值 {candidate:+.3f} 的 {input:.0%} 进入，"
        "并输出 tanh(C) 的 {output:.0%}：C = {c:+.4f}，H = {h:+.4f}。",
    ),
    "upload.loaded": (
        "Loaded your {model} weights ({file}); Predict and Inside now use them (only for you).",
        "已载入你的{model}权重（{file}）；预测和 LSTM 内部现在使用它们（仅对你）。",
    ),
    "weights.line": ("Serving {source}.", "当前使用{source}。"),
    "source.bundled": ("the bundled weights", "随附的预训练权重"),
    "source.hub": ("the Hub repo {at}", "Hub 仓库 {at} 的权重"),
    "source.fallback": (
        "the bundled weights (the Hub repo {at} could not be loaded)",
        "随附的权重（无法加载 Hub 仓库 {at}）",
    ),
    "share.label": ("Share this state", "分享当前状态"),
    "share.copied": ("Link copied", "链接已复制"),
    "toast.error": ("Error", "错误"),
    # -- Predict's table and cards --
    "predict.col.sequence": ("sequence", "序列"),
    "predict.col.values": ("values", "数值"),
    "predict.col.label": ("label", "标签"),
    "predict.col.model": ("{model} ({whose})", "{model}（{whose}）"),
    "predict.yours": ("your sequence", "你的序列"),
    "company.a": ("Company A", "公司 A"),
    "company.b": ("Company B", "公司 B"),
    "chart.day": ("day", "天"),
    # -- a recipe in plain words (Recipe.describe: model cards, the training's summary) --
    "recipe.batch.full": ("full batch (both companies in one step)", "全批量（两家公司在同一步里）"),
    "recipe.batch.one": (
        "batch of one (Company A, then Company B, no shuffle)",
        "每批一个（先 A 公司，再 B 公司，不打乱）",
    ),
    "recipe.end.epochs": ("{epochs:,} epochs", "{epochs:,} 轮"),
    "recipe.end.converged": (
        "stopped once both predictions are within {tolerance:g} of their labels (at most {epochs:,} epochs)",
        "两个预测都与标签相差不到 {tolerance:g} 时停止（最多 {epochs:,} 轮）",
    ),
    "recipe.text": (
        "{batch}, squared error, {optimizer} at learning rate {lr:g}, {end}",
        "{batch}，平方误差，{optimizer}，学习率 {lr:g}，{end}",
    ),
    "chart.value": ("value", "数值"),
    "chart.sequence": ("Your sequence", "你的序列"),
    # -- Inside's two charts (gates lie in 0..1, memories can grow to any size) --
    # Short enough to stand whole over a 390-px phone's chart (Vega-Lite cuts a longer title).
    "chart.gates": ("Gates and candidate C~", "门与候选值 C~"),
    "chart.memories": ("Long-term C and short-term H", "长期记忆 C 与短期记忆 H"),
    "chart.step": ("time step t", "时间步 t"),
    "chart.gate": ("gate value", "门的取值"),
    "chart.memory": ("memory value", "记忆的值"),
    "chart.chosen": ("chosen step", "所选的步"),
    "series.loss": ("loss", "损失"),
    "series.out0": ("Out 0 (Company A)", "Out 0（A 公司）"),
    "series.out1": ("Out 1 (Company B)", "Out 1（B 公司）"),
    "series.forget_gate": ("forget gate F", "遗忘门 F"),
    "series.input_gate": ("input gate I", "输入门 I"),
    "series.candidate": ("candidate C~", "候选值 C~"),
    "series.output_gate": ("output gate O", "输出门 O"),
    "series.long_memory": ("long-term memory C", "长期记忆 C"),
    "series.short_memory": ("short-term memory H", "短期记忆 H"),
    # -- Retrain's and Explore's charts (titles for the visitor's language) --
    "chart.loss": ("Loss per epoch", "每轮的损失"),
    "chart.loss.y": ("mean squared error", "均方误差"),
    "chart.predictions": ("Predictions per epoch", "每轮的预测"),
    "chart.predictions.y": ("prediction", "预测值"),
    "chart.epoch": ("epoch", "轮"),
    "chart.curve": ("Prediction as one day's value changes", "某一天的数值变化时的预测"),
    "chart.curve.x": ("the day's value", "这一天的数值"),
    "chart.race": ("Loss per epoch, two learning rates", "每轮的损失：两种学习率"),
    "chart.lottery": ("Final loss of each random start", "每个随机初始值的最终损失"),
    "chart.lottery.x": ("final summed squared error, by power of ten", "最终的平方误差之和（按 10 的幂分组）"),
    "chart.lottery.y": ("random starts", "随机初始值个数"),
    # -- Explore's race and lottery, as the page says them --
    "race.waiting": ("Waiting for free training processes…", "正在等待空闲的训练进程……"),
    "race.run": (
        "lr {rate:g}: epoch {epoch}, loss {loss:.4g} (A {a:.3f}, B {b:.3f})",
        "学习率 {rate:g}：第 {epoch} 轮，损失 {loss:.4g}（A {a:.3f}，B {b:.3f}）",
    ),
    "race.finished": ("**Finished.** ", "**完成。**"),
    "lottery.done": (
        "**{converged:,} of {inits:,} random starts converged** ({share:.0%}: summed squared error below "
        "{threshold:g}) after {epochs} epochs at learning rate {rate:g}. Seed 42 ended at {seed_loss:.2e}: "
        "{rank:.0%} of the starts ended lower. {seconds:.2f} s on {device} ({speed:,.0f} model-steps per second).",
        "**{inits:,} 个随机初始值中有 {converged:,} 个收敛**（{share:.0%}：平方误差之和低于 {threshold:g}），"
        "学习率 {rate:g}，训练 {epochs} 轮。随机种子 42 的最终损失为 {seed_loss:.2e}：{rank:.0%} 的初始值比它更低。"
        "在 {device} 上用时 {seconds:.2f} 秒（每秒 {speed:,.0f} 个模型步）。",
    ),
    "lottery.seed_bin": ("seed 42's bin", "种子 42 所在的区间"),
    "lottery.other": ("other starts", "其他初始值"),
    "lottery.partial": (
        " Stopped at the time limit ({limit:g} s): a partial result.",
        "已到时间上限（{limit:g} 秒）而停止：这是部分结果。",
    ),
    # -- the parity panel --
    "parity.header": (
        "| weights moved | prediction differs by | gates and memories differ by |",
        "| 权重的移植方向 | 预测相差 | 门与记忆相差 |",
    ),
    "parity.row": ("{source} → {target}", "{source} → {target}"),
    "parity.largest": (
        "**Largest difference: {largest:.2e}** (float32 rounding; the same numbers).",
        "**最大差异：{largest:.2e}**（float32 的舍入误差；数字相同）。",
    ),
    # -- workers --
    "workers.threads_leaked": (
        "The server is not taking new trainings now: {count} earlier ones have not ended yet. Please try again later.",
        "服务器现在不接受新的训练：之前有 {count} 个训练尚未结束。请稍后再试。",
    ),
}

# The names sentences fill in (`what`, `model`, `whose`): English -> Chinese.
WORDS: dict[str, str] = {
    "number of epochs": "轮数",
    "learning rate": "学习率",
    "seed": "随机种子",
    "model": "模型",
    "recipe": "训练方案",
    "device": "设备",
    "switch": "开关",
    "company": "公司",
    "day": "天数",
    "epoch": "轮数",
    "step": "步数",
    "number of random starts": "随机初始值个数",
    "built-in": "内置",
    "hand-built": "手工",
    "builtin": "内置",
    "craft": "手工",
    "pretrained": "预训练",
    "trained": "训练所得",
    "uploaded": "上传",
    "weight": "权重",
    "from the link": "来自链接",
}


def template(key: str, language: str = "en") -> str:
    """The sentence `key` in `language` ('en' or 'zh'; anything else: English), unfilled."""
    english, chinese = MESSAGES[key]
    return chinese if language == "zh" else english


def say(key: str, language: str = "en", **params) -> str:
    """The sentence `key` in `language`, its placeholders filled with `params`.

    In Chinese, a filled-in word that WORDS knows (a `what`, a model's name) is translated; a
    parameter whose value is itself an error with a key is written in the same language.
    """
    chinese = language == "zh"
    filled = {}
    for name, value in params.items():
        if getattr(value, "key", None) and hasattr(value, "params"):
            value = say(value.key, language, **value.params)
        elif chinese and isinstance(value, str) and value in WORDS:
            value = WORDS[value]
        filled[name] = value
    return template(key, language).format(**filled)


def placeholders(text: str) -> set[str]:
    """The names a template fills in: {'count', 'limit'} for "... {count:,} ... {limit:,}."."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}
