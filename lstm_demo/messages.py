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
    "weights.line.own": (
        "Showing your own weights for: {models}. Otherwise {source}.",
        "显示你自己的权重：{models}。其余使用{source}。",
    ),
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
        "每批一个（先公司 A，再公司 B，不打乱）",
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
    "series.out0": ("Out 0 (Company A)", "Out 0（公司 A）"),
    "series.out1": ("Out 1 (Company B)", "Out 1（公司 B）"),
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
        "lr {rate:g}: epoch {epoch}, loss {loss:.6f} (A {a:.3f}, B {b:.3f})",
        "学习率 {rate:g}：第 {epoch} 轮，损失 {loss:.6f}（A {a:.3f}，B {b:.3f}）",
    ),
    "race.finished": ("**Finished.** ", "**完成。**"),
    "lottery.done": (
        "**{converged:,} of {inits:,} random starts converged** ({share:.0%}: summed squared error below "
        "{threshold:g}) after {epochs} epochs at learning rate {rate:g}. Seed 42 ended at {seed_loss:.6f}: "
        "{rank:.0%} of the starts ended lower. {seconds:.2f} s on {device} ({speed:,.0f} model-steps per second).",
        "**{inits:,} 个随机初始值中有 {converged:,} 个收敛**（{share:.0%}：平方误差之和低于 {threshold:g}），"
        "学习率 {rate:g}，训练 {epochs} 轮。随机种子 42 的最终损失为 {seed_loss:.6f}：{rank:.0%} 的初始值比它更低。"
        "在 {device} 上用时 {seconds:.2f} 秒（每秒 {speed:,.0f} 个模型步）。",
    ),
    "lottery.seed_bin": ("seed 42 (one start)", "种子 42（一个初始值）"),
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
        "**Largest difference: {largest:.8f}** (float32 rounding; the same numbers).",
        "**最大差异：{largest:.8f}**（float32 的舍入误差；数字相同）。",
    ),
    # -- the page's labels and texts (gr.I18n: the browser translates them) --
    "title": (
        "LSTM, built two ways",
        "LSTM 的两种实现",
    ),
    "intro": (
        "**`torch.nn.LSTM`** beside an LSTM cell **built by hand** from its six equations, on StatQuest's toy "
        "task: Company A `0, 0.5, 0.25, 1` should give **0**, Company B `1, 0.5, 0.25, 1` should give **1**.",
        "**`torch.nn.LSTM`** 与按六个方程**手工搭建**的 LSTM 单元并排，用 StatQuest 的小任务："
        "公司 A `0, 0.5, 0.25, 1` 应预测为 **0**，公司 B `1, 0.5, 0.25, 1` 应预测为 **1**。",
    ),
    "tab.predict": (
        "Predict",
        "预测",
    ),
    "tab.inside": (
        "Inside the LSTM",
        "LSTM 内部",
    ),
    "tab.retrain": (
        "Retrain",
        "重新训练",
    ),
    "tab.explore": (
        "Explore",
        "探索",
    ),
    "tab.about": (
        "About",
        "关于",
    ),
    "sequence": (
        "Sequence (numbers separated by commas)",
        "序列（用逗号分隔的数字）",
    ),
    "sequence.info": (
        "Any length from 1 to the limit, e.g. 1, 0.5, 0.25, 1",
        "长度从 1 到上限，例如 1, 0.5, 0.25, 1",
    ),
    "model": (
        "Model",
        "模型",
    ),
    "model.builtin": (
        "built-in (torch.nn.LSTM)",
        "内置（torch.nn.LSTM）",
    ),
    "model.craft": (
        "hand-built (from the equations)",
        "手工搭建（按方程）",
    ),
    "predict.button": (
        "Predict",
        "预测",
    ),
    "predict.results": (
        "Predictions of both models",
        "两个模型的预测",
    ),
    "predict.chart": (
        "Your sequence",
        "你的序列",
    ),
    "examples": (
        "Examples (click one to predict it)",
        "示例（点击即预测）",
    ),
    "upload.title": (
        "Your own weights",
        "你自己的权重",
    ),
    "upload.file": (
        "Upload a .safetensors file of either model's layout",
        "上传任一模型结构的 .safetensors 文件",
    ),
    "upload.button": (
        "Predict with the uploaded weights",
        "用上传的权重预测",
    ),
    "upload.prediction": (
        "Prediction of the uploaded model",
        "上传模型的预测",
    ),
    "upload.status": (
        "Upload status",
        "上传状态",
    ),
    "inside.button": (
        "Step through",
        "逐步查看",
    ),
    "inside.table": (
        "Gates and memories at every step",
        "每一步的门与记忆",
    ),
    "inside.chart": (
        "Inside the cell over time",
        "单元内部随时间的变化",
    ),
    "inside.step": (
        "Step",
        "步",
    ),
    "inside.equations": (
        "The six equations at this step",
        "这一步的六个方程",
    ),
    "inside.details": (
        "Charts, equations and the table, day by day",
        "逐日的图表、方程与表格",
    ),
    "inside.sentence": (
        "What the gates did",
        "各个门做了什么",
    ),
    "parity.title": (
        "Parity: the same weights in both models",
        "一致性：同一组权重放进两个模型",
    ),
    "parity.button": (
        "Transplant and compare",
        "移植并比较",
    ),
    "retrain.recipe": (
        "Recipe",
        "训练方案",
    ),
    "retrain.epochs": (
        "Epochs",
        "轮数",
    ),
    "retrain.lr": (
        "Learning rate",
        "学习率",
    ),
    "retrain.seed": (
        "Seed",
        "随机种子",
    ),
    "retrain.device": (
        "Device",
        "设备",
    ),
    "retrain.device.info": (
        "A 12-parameter model trains faster on the CPU: a GPU spends its time launching kernels.",
        "12 个参数的模型在 CPU 上训练更快：GPU 的时间都花在启动内核上。",
    ),
    "device.gpu.none": (
        "gpu (none here)",
        "gpu（这里没有）",
    ),
    "retrain.train": (
        "Train",
        "训练",
    ),
    "retrain.stop": (
        "Stop",
        "停止",
    ),
    "retrain.progress": (
        "Progress",
        "进度",
    ),
    "retrain.loss": (
        "Loss per epoch",
        "每轮的损失",
    ),
    "retrain.predictions": (
        "Predictions per epoch (Out 0 = Company A, Out 1 = Company B)",
        "每轮的预测（Out 0 = 公司 A，Out 1 = 公司 B）",
    ),
    "retrain.summary": (
        "Summary",
        "总结",
    ),
    "retrain.file": (
        "Trained weights (.safetensors)",
        "训练得到的权重（.safetensors）",
    ),
    "retrain.use": (
        "Use my weights in Predict and Inside (only for me)",
        "在预测和内部视图中使用我的权重（仅对我）",
    ),
    "share": (
        "Copy a link to this state",
        "复制指向当前状态的链接",
    ),
    "language": (
        "Language",
        "语言",
    ),
    "weights.source": (
        "Serving",
        "当前权重",
    ),
    "explore.playground": (
        "Weight playground: the hand-built cell's 12 parameters",
        "权重游乐场：手工单元的 12 个参数",
    ),
    "explore.playground.info": (
        "Move a slider and watch both companies' predictions. Switches force a gate, to see what it contributes.",
        "拖动滑块，观察两家公司的预测。开关可以强制某个门的取值，看看它起什么作用。",
    ),
    "explore.switches": (
        "Gate switches",
        "门开关",
    ),
    "explore.reset": (
        "Reset to the pretrained weights",
        "恢复预训练权重",
    ),
    "explore.predictions": (
        "Predictions with these weights",
        "这组权重的预测",
    ),
    "explore.curve": (
        "Decision curves",
        "决策曲线",
    ),
    "explore.curve.info": (
        "Sweep one day's value from 0 to 1, the other days fixed at a company's values.",
        "把某一天的值从 0 扫到 1，其余几天固定为某家公司的值。",
    ),
    "explore.day": (
        "Day to sweep",
        "扫描的那一天",
    ),
    "explore.base": (
        "Other days from",
        "其余几天取自",
    ),
    "explore.curve.button": (
        "Draw",
        "绘制",
    ),
    "explore.travel": (
        "Training time-travel",
        "训练时光机",
    ),
    "explore.travel.info": (
        "Every training on Retrain can be replayed there, on its drawn cell: Play, or drag the bar through its epochs, and open any epoch's weights in Inside.",
        "“重新训练”里的每次训练都可以在那里的单元图上回放：播放，或拖动进度条浏览各轮，并在“LSTM 内部”中打开任一轮的权重。",
    ),
    "explore.epoch": (
        "Epochs trained",
        "已训练的轮数",
    ),
    "explore.travel.inside": (
        "Step through this epoch's weights in Inside",
        "在“LSTM 内部”中逐步查看这一轮的权重",
    ),
    "explore.race": (
        "Learning-rate race",
        "学习率赛跑",
    ),
    "explore.race.info": (
        "The same model and the same starting weights (seed) with two learning rates, trained by StatQuest's recipe: one company at a time, Adam (a common optimizer that adapts each weight's step).",
        "同一个模型、同样的初始权重（种子），两个学习率，用 StatQuest 的训练方案：一次一家公司，Adam（一种为每个权重调整步长的常用优化器）。",
    ),
    "explore.race.button": (
        "Race",
        "开始比赛",
    ),
    "explore.lottery": (
        "Initialization lottery",
        "初始化抽奖",
    ),
    "explore.lottery.info": (
        "Train many random starts of the hand-built cell at once: each weight drawn from a normal distribution (mean 0, spread 1), biases 0; both companies in each step, Adam.",
        "同时训练手工单元的许多随机初始值：每个权重取自正态分布（均值 0，标准差 1），偏置为 0；每一步同时用两家公司，Adam。",
    ),
    "explore.inits": (
        "Random starts",
        "随机初始值个数",
    ),
    "explore.lottery.button": (
        "Draw the lottery",
        "开奖",
    ),
    "explore.lottery.histogram": (
        "Final loss of each start",
        "每个初始值的最终损失",
    ),
    "predict.notes": (
        "**Why can a prediction be negative?** A prediction is the last short-term memory H_T = O_T · tanh(C_T): a gate between 0 and 1 times a tanh between −1 and 1, so it lies between −1 and 1, and a sequence unlike the companies' can land below 0.\n\n**Where the pretrained weights come from.** The hand-built cell's 12 numbers are StatQuest's own from the video *LSTM Clearly Explained*, remade by StatQuest's recipe (5000 epochs); the built-in model is `torch.nn.LSTM` trained by the same recipe (see About).",
        "**为什么预测值可能是负数？** 预测值就是最后的短期记忆 H_T = O_T · tanh(C_T)：一个 0 到 1 之间的门乘以一个 −1 到 1 之间的 tanh，所以它在 −1 到 1 之间；和两家公司都不像的序列可能落在 0 以下。\n\n**预训练权重从哪里来。** 手工单元的 12 个数字就是 StatQuest 视频《LSTM Clearly Explained》里的那组数字，由 StatQuest 的训练方案（5000 轮）重新训练得到；内置模型是用同一方案训练的 `torch.nn.LSTM`（见“关于”）。",
    ),
    "about.what": (
        "## What this is\nTwo LSTMs, one from the library (`torch.nn.LSTM`) and one **built by hand** from the six equations below, pretrained on StatQuest's toy task and shown side by side. **Inside the LSTM** steps through a sequence and shows each gate; **Retrain** trains either model with Lightning while you watch. The weights are safetensors files in the Hub layout; transplanted between the two models they give the same numbers (see the parity panel).\n\nA 12-parameter model trains faster on a CPU than on a GPU: each step is a few dozen tiny operations, and a GPU spends its time launching them.\n\n## Call it from a script",
        "## 这是什么\n两个 LSTM：一个来自库（`torch.nn.LSTM`），一个按下面的六个方程**手工搭建**，都在 StatQuest 的小任务上预训练，并排展示。**LSTM 内部**逐步走过一个序列，展示每个门；**重新训练**用 Lightning 训练任一模型，边训练边看。权重是 Hub 格式的 safetensors 文件；在两个模型之间移植后，它们给出相同的数字（见一致性面板）。\n\n12 个参数的模型在 CPU 上比在 GPU 上训练得更快：每一步只有几十个很小的运算，GPU 的时间都花在启动它们上。\n\n## 在脚本中调用",
    ),
    "about.equations": (
        "## The six equations",
        "## 六个方程",
    ),
    "about.cards": (
        "## The model cards",
        "## 模型卡",
    ),
    "about.card.craft.full": (
        "Model card: craft (hand-built), as on the Hub",
        "模型卡：craft（手工），与 Hub 上的相同（英文）",
    ),
    "about.card.builtin.full": (
        "Model card: builtin (torch.nn.LSTM), as on the Hub",
        "模型卡：builtin（torch.nn.LSTM），与 Hub 上的相同（英文）",
    ),
    "parity.mapping": (
        "**How 16 parameters become 12.** `torch.nn.LSTM` keeps, for each of its four gates (input, forget, candidate, output), a weight on the input, a weight on the short-term memory and **two** biases: one added to the input's term, one to the memory's term. The hand-built cell has **one** bias per gate. Both biases are only ever added together, so moving the weights over copies the two weights of each gate as they are and puts the **sum of the two biases** in the cell's one bias: 4 gates × 4 numbers = 16 become 4 gates × 3 = 12. Back the other way, the cell's bias goes into the first bias and the second is 0.",
        "**16 个参数如何变成 12 个。** `torch.nn.LSTM` 的四个门（输入门、遗忘门、候选值、输出门）各有一个作用于输入的权重、一个作用于短期记忆的权重和**两个**偏置：一个加在输入项上，一个加在记忆项上。手工单元每个门只有**一个**偏置。两个偏置总是相加在一起，所以移植时每个门的两个权重原样复制，而单元的那个偏置取**两个偏置之和**：4 个门 × 4 个数 = 16 个，变成 4 个门 × 3 个数 = 12 个。反过来移植时，单元的偏置放进第一个偏置，第二个为 0。",
    ),
    "badge": (
        "**Weights shown ({model}):** {weights}",
        "**显示的权重（{model}）：** {weights}",
    ),
    "badge.pretrained.craft": (
        "pretrained: StatQuest's own numbers from the video",
        "预训练：StatQuest 视频里的原始数值",
    ),
    "badge.pretrained.builtin": (
        "pretrained: StatQuest's recipe, 300 epochs, seed 42",
        "预训练：StatQuest 的训练方案，300 轮，种子 42",
    ),
    "badge.trained": (
        "yours, trained ({recipe} recipe, seed {seed}, {epochs:,} epochs)",
        "你的，训练所得（{recipe} 方案，种子 {seed}，{epochs:,} 轮）",
    ),
    "badge.uploaded": (
        "yours, uploaded ({file})",
        "你的，上传的（{file}）",
    ),
    "badge.uploaded.nameless": (
        "yours, uploaded",
        "你的，上传的",
    ),
    "badge.epoch": (
        "yours, from epoch {epoch} of your training",
        "你的，取自你训练的第 {epoch} 轮",
    ),
    "badge.own": (
        "yours",
        "你的",
    ),
    "retrain.about.statquest": (
        "**statquest**: StatQuest's recipe, to reproduce the video. Batch of one (Company A, then Company B), Adam: the hand-built cell 5,000 epochs at learning rate 0.001 (it ends at the video's numbers, 0.0022 and 0.9693), the built-in 300 epochs at 0.1. Small steps, so it takes thousands of epochs.",
        "**statquest**：StatQuest 的训练方案，用来重现视频。每批一个样本（先公司 A，再公司 B），Adam：手工单元以学习率 0.001 训练 5,000 轮（结果就是视频里的数值 0.0022 和 0.9693），内置模型以 0.1 训练 300 轮。步子小，所以要几千轮。",
    ),
    "retrain.about.fast": (
        "**fast**: to converge. Both companies in each step, with Rprop (an optimizer that lengthens a weight's step while its gradient keeps its sign); it stops once both predictions are within 0.01 of their labels (at most 1,000 epochs; most seeds need about 50).",
        "**fast**：为了收敛。每一步同时用两家公司，用 Rprop（一种优化器：梯度符号不变时，权重的步长不断变大）；两个预测都离标签不到 0.01 时就停止（最多 1,000 轮；大多数种子约 50 轮）。",
    ),
    "retrain.running": (
        "Epoch {epoch:,} of {epochs:,}: loss {loss:.6f}, Company A {a:.4f}, Company B {b:.4f} · {rate:,.0f} epochs per second",
        "第 {epoch:,} 轮，共 {epochs:,} 轮：损失 {loss:.6f}，公司 A {a:.4f}，公司 B {b:.4f} · 每秒 {rate:,.0f} 轮",
    ),
    "retrain.waiting": (
        "Waiting for a free training process (the Space runs a few trainings at once)…",
        "正在等待空闲的训练进程（本空间同时只运行少量训练）……",
    ),
    "retrain.left": (
        " · about {seconds:.1f} s left",
        " · 约剩 {seconds:.1f} 秒",
    ),
    "retrain.left.most": (
        " · at most {seconds:.1f} s left (it stops once converged)",
        " · 最多剩 {seconds:.1f} 秒（收敛即停）",
    ),
    "retrain.done": (
        "**{how}** after {epochs:,} epochs in {seconds:.2f} s on {device}. Loss {loss:.6f}; Company A {a0:.4f} → {a1:.4f}, Company B {b0:.4f} → {b1:.4f}.",
        "**{how}**：共 {epochs:,} 轮，用时 {seconds:.2f} 秒，设备 {device}。损失 {loss:.6f}；公司 A {a0:.4f} → {a1:.4f}，公司 B {b0:.4f} → {b1:.4f}。",
    ),
    "retrain.end.completed": (
        "Finished",
        "训练完成",
    ),
    "retrain.end.converged": (
        "Converged",
        "已收敛",
    ),
    "retrain.end.stopped": (
        "Stopped by you",
        "已被你停止",
    ),
    "retrain.end.time_limit": (
        "Stopped at the time limit ({limit:g} s): a partial result",
        "到达时间上限（{limit:g} 秒）而停止：结果不完整",
    ),
    "retrain.end.diverged": (
        "Training diverged (the loss became NaN or infinite): no weights are offered, and your earlier weights are kept",
        "训练发散了（损失变成 NaN 或无穷大）：不提供权重，保留你之前的权重",
    ),
    "retrain.unwritten": (
        "The weights file could not be written on the server (disk full or not writable); they are still yours in this session.",
        "服务器上无法写入权重文件（磁盘已满或不可写）；在本次会话中它们仍归你使用。",
    ),
    "retrain.table.what": (
        "Training",
        "训练",
    ),
    "retrain.table.value": (
        "Result",
        "结果",
    ),
    "retrain.table.model": (
        "model",
        "模型",
    ),
    "retrain.table.recipe": (
        "recipe",
        "训练方案",
    ),
    "retrain.table.epochs": (
        "epochs trained",
        "训练轮数",
    ),
    "retrain.table.lr": (
        "learning rate",
        "学习率",
    ),
    "retrain.table.seed": (
        "seed",
        "随机种子",
    ),
    "retrain.table.loss": (
        "loss (mean squared error)",
        "损失（均方误差）",
    ),
    "retrain.table.a": (
        "Company A (label 0): before → after",
        "公司 A（标签 0）：训练前 → 训练后",
    ),
    "retrain.table.b": (
        "Company B (label 1): before → after",
        "公司 B（标签 1）：训练前 → 训练后",
    ),
    "retrain.table.time": (
        "time",
        "用时",
    ),
    "retrain.table.time.value": (
        "{seconds:.4g} s on {device} ({rate:,.0f} epochs per second)",
        "{seconds:.4g} 秒，设备 {device}（每秒 {rate:,.0f} 轮）",
    ),
    "retrain.table.end": (
        "why it ended",
        "结束原因",
    ),
    "retrain.json": (
        "The summary as JSON (for scripts)",
        "JSON 格式的总结（供脚本使用）",
    ),
    "explore.part.playground": (
        "Weight playground",
        "权重游乐场",
    ),
    "explore.part.curves": (
        "Decision curves",
        "决策曲线",
    ),
    "explore.part.travel": (
        "Time-travel",
        "训练时光机",
    ),
    "explore.part.race": (
        "Learning-rate race",
        "学习率赛跑",
    ),
    "explore.part.lottery": (
        "Initialization lottery",
        "初始化抽奖",
    ),
    "explore.forget": (
        "Forget gate",
        "遗忘门",
    ),
    "explore.forget.computed": (
        "computed from the weights",
        "按权重计算",
    ),
    "explore.forget.one": (
        "forget=1: keep all of the long-term memory",
        "forget=1：长期记忆全部保留",
    ),
    "explore.forget.zero": (
        "forget=0: forget it at every step",
        "forget=0：每一步都全部遗忘",
    ),
    "explore.switch.input": (
        "input=0: let nothing new in",
        "input=0：不让任何新内容进入",
    ),
    "explore.switch.output": (
        "output=1: pass all of tanh(C) on",
        "output=1：把 tanh(C) 全部输出",
    ),
    "explore.race.rate_a": (
        "Learning rate A",
        "学习率 A",
    ),
    "explore.race.rate_b": (
        "Learning rate B",
        "学习率 B",
    ),
    "explore.race.epochs": (
        "Epochs",
        "轮数",
    ),
    "explore.lottery.epochs": (
        "Epochs per start",
        "每个初始值的轮数",
    ),
    "explore.lottery.why": (
        "Why most starts converge in 500 epochs here, while StatQuest's recipe takes 5,000: a different recipe. The lottery trains on both companies in each step with Adam at learning rate 0.1, a hundred times StatQuest's 0.001 with a batch of one; big steps get there in hundreds of epochs (or stall on a plateau), small steps need thousands.",
        "为什么这里大多数初始值 500 轮就收敛，而 StatQuest 的方案要 5,000 轮：训练方案不同。抽奖用全批量（两家公司一步算完）和学习率 0.1 的 Adam，是 StatQuest 的 0.001（每批一个样本）的一百倍；大步子几百轮就到（或者卡在平台上），小步子要几千轮。",
    ),
    # -- the About tab's sentences computed from the model cards and the app's limits --
    "about.card.craft.summary": (
        "**Hand-built cell** (12 parameters). StatQuest's own numbers from the video *LSTM Clearly Explained*, "
        "remade by the recipe `{recipe}`: seed {seed}, {epochs} epochs, Adam at learning rate {learning_rate}. "
        "Predicts Company A → {company_a}, Company B → {company_b}.",
        "**手工单元**（12 个参数）。这就是 StatQuest 视频《LSTM Clearly Explained》里的那组数字，"
        "由训练方案 `{recipe}` 重新训练得到：随机种子 {seed}，{epochs} 轮，Adam，学习率 {learning_rate}。"
        "预测：公司 A → {company_a}，公司 B → {company_b}。",
    ),
    "about.card.builtin.summary": (
        "**Built-in `torch.nn.LSTM(1, 1)`** (16 parameters: two biases per gate). Trained by the recipe "
        "`{recipe}`: seed {seed}, {epochs} epochs, Adam at learning rate {learning_rate}. "
        "Predicts Company A → {company_a}, Company B → {company_b}.",
        "**内置 `torch.nn.LSTM(1, 1)`**（16 个参数：每个门两个偏置）。由训练方案 `{recipe}` 训练得到："
        "随机种子 {seed}，{epochs} 轮，Adam，学习率 {learning_rate}。预测：公司 A → {company_a}，公司 B → {company_b}。",
    ),
    "about.limits": (
        "## Limits\nSequences up to {length:,} numbers; up to {epochs:,} epochs and {seconds:g} s per training; "
        "{trainings} trainings at once; uploads up to {bytes:,} bytes (`.safetensors` only).",
        "## 限制\n序列最多 {length:,} 个数字；每次训练最多 {epochs:,} 轮、{seconds:g} 秒；同时最多 {trainings} 个训练；"
        "上传文件最大 {bytes:,} 字节（只接受 `.safetensors`）。",
    ),
    # -- the drawn cell (diagram.py) --
    "diagram.title": (
        "The LSTM cell, unrolled over the days",
        "LSTM 单元按天展开",
    ),
    "diagram.single_title": (
        "The LSTM cell, one day at a time",
        "LSTM 单元，一次一天",
    ),
    "diagram.desc": (
        "{seqs}. Day {step} is drawn in full: the long-term memory C runs along the top through the forget multiplication and the addition; the short-term memory H runs along the bottom; the input X comes up from below into four gates. Stage 1, what to forget: the forget gate. Stage 2, what to remember: the input gate and the candidate memory. Stage 3, what to output: the output gate. Every line shows its weight; every box and circle its value. Weights: {source}.",
        "{seqs}。第 {step} 天完整画出：长期记忆 C 沿顶部经过遗忘乘法和加法；短期记忆 H 沿底部；输入 X 从下方进入四个门。阶段 1，忘记什么：遗忘门。阶段 2，记住什么：输入门和候选记忆。阶段 3，输出什么：输出门。每条线标出权重，每个方框和圆圈标出数值。权重：{source}。",
    ),
    "diagram.weights": (
        "Weights: {source}",
        "权重：{source}",
    ),
    "diagram.folded": (
        "nn.LSTM's 16 parameters drawn as the cell's 12 (each bias = b_ih + b_hh)",
        "nn.LSTM 的 16 个参数合并为单元的 12 个（每个偏置 = b_ih + b_hh）",
    ),
    "diagram.stages.1": (
        "What to forget",
        "忘记什么",
    ),
    "diagram.stages.2": (
        "What to remember",
        "记住什么",
    ),
    "diagram.stages.3": (
        "What to output",
        "输出什么",
    ),
    "diagram.stages_short.1": (
        "Forget",
        "遗忘",
    ),
    "diagram.stages_short.2": (
        "Remember",
        "记住",
    ),
    "diagram.stages_short.3": (
        "Output",
        "输出",
    ),
    "diagram.day": (
        "Day {step}",
        "第 {step} 天",
    ),
    "diagram.same.1": (
        "same",
        "同一组",
    ),
    "diagram.same.2": (
        "12 weights",
        "12 个权重",
    ),
    "diagram.prediction": (
        "prediction",
        "预测",
    ),
    "diagram.label": (
        "label",
        "标签",
    ),
    "diagram.names.forget.1": (
        "% long-term",
        "长期记忆",
    ),
    "diagram.names.forget.2": (
        "to remember",
        "保留的百分比",
    ),
    "diagram.names.input.1": (
        "% potential memory",
        "潜在记忆",
    ),
    "diagram.names.input.2": (
        "to remember",
        "保留的百分比",
    ),
    "diagram.names.candidate.1": (
        "potential",
        "潜在的",
    ),
    "diagram.names.candidate.2": (
        "long-term memory",
        "长期记忆",
    ),
    "diagram.names.output.1": (
        "% short-term",
        "短期记忆",
    ),
    "diagram.names.output.2": (
        "to output",
        "输出的百分比",
    ),
    "diagram.gate_names.forget": (
        "Forget gate",
        "遗忘门",
    ),
    "diagram.gate_names.input": (
        "Input gate",
        "输入门",
    ),
    "diagram.gate_names.candidate": (
        "Candidate memory",
        "候选记忆",
    ),
    "diagram.gate_names.output": (
        "Output gate",
        "输出门",
    ),
    "diagram.aria_gate": (
        "{name} {symbol}, {company}, day {{step}}: {{value}}. Press Enter for its equation and gradient.",
        "{name} {symbol}，{company}，第 {{step}} 天：{{value}}。按回车键查看公式和梯度。",
    ),
    "strip.label": (
        "The long-term memory C and the short-term memory H of each company, day by day",
        "每家公司逐天的长期记忆 C 和短期记忆 H",
    ),
    "diagram.sequence": ("the sequence", "这个序列"),
    "diagram.gap": ("days {first} to {last} not drawn", "第 {first} 到 {last} 天未画出"),
    "diagram.legend_lines": (
        "Lines: blue = positive weight, vermillion = negative, thicker = larger |weight|.",
        "线：蓝色 = 正权重，朱红色 = 负权重，越粗 = |权重| 越大。",
    ),
    "diagram.legend_numbers": (
        "Numbers on lines are weights (b = bias); numbers in boxes and circles are this day's values.",
        "线上的数字是权重（b = 偏置）；方框和圆圈里的数字是当天的数值。",
    ),
    "diagram.legend_stages": (
        "Stages: 1 what to forget · 2 what to remember · 3 what to output.",
        "阶段：1 忘记什么 · 2 记住什么 · 3 输出什么。",
    ),
    "source.pretrained.craft": (
        "pretrained: StatQuest's own numbers from the video",
        "预训练：StatQuest 视频里的原始数值",
    ),
    "source.pretrained.builtin": (
        "pretrained: torch.nn.LSTM trained by StatQuest's recipe, 300 epochs, seed 42",
        "预训练：用 StatQuest 的训练方案训练的 torch.nn.LSTM，300 轮，种子 42",
    ),
    "full_stop": (".", "。"),
    "colon": (": ", "："),
    "semicolon": ("; ", "；"),
    "stage.sentence.1": (
        "Keep {forget:.0%} of the long-term memory: {c_prev} becomes {kept}.",
        "保留 {forget:.0%} 的长期记忆：{c_prev} 变为 {kept}。",
    ),
    "stage.sentence.2": (
        "Let {input:.0%} of the potential memory {candidate} in and add it: C = {c}.",
        "让潜在记忆 {candidate} 的 {input:.0%} 进入并加上：C = {c}。",
    ),
    "stage.sentence.3": (
        "Pass {output:.0%} of tanh(C) on as the short-term memory: H = {h}.",
        "把 tanh(C) 的 {output:.0%} 作为短期记忆输出：H = {h}。",
    ),
    # -- the drawing's page (ui/cell.py, cell.js) --
    "stage.sentence.1.first": (
        "Day 1 has no long-term memory yet (C_t−1 = 0): the forget gate, {forget:.0%}, has nothing to keep.",
        "第 1 天还没有长期记忆（C_t−1 = 0）：遗忘门是 {forget:.0%}，但没有什么可保留的。",
    ),
    "cell.first": (
        "« Day 1",
        "« 第 1 天",
    ),
    "cell.back": (
        "◀ Back",
        "◀ 上一天",
    ),
    "cell.forward": (
        "Forward ▶",
        "下一天 ▶",
    ),
    "cell.play": (
        "▶ Play",
        "▶ 播放",
    ),
    "cell.pause": (
        "■ Pause",
        "■ 暂停",
    ),
    "cell.frame": (
        "The LSTM cell drawn: Play, Back and Forward step through the days; the arrow keys too.",
        "画出的 LSTM 单元：播放、上一天、下一天逐天查看；方向键也可以。",
    ),
    "cell.day_of": (
        "Day {step} of {length}",
        "第 {step} 天，共 {length} 天",
    ),
    "cell.stages_summary": (
        "The three stages of day {step}, with their equations and every number drawn",
        "第 {step} 天的三个阶段：方程和画出的每个数字",
    ),
    "cell.show": ("Company shown", "显示的公司"),
    "cell.epoch_source": ("Weights: yours, after {epoch} epochs of your training", "权重：你的，训练 {epoch} 轮之后"),
    "cell.yours": (
        "Your sequence",
        "你的序列",
    ),
    "cell.field.input": (
        "X_t (input)",
        "X_t（输入）",
    ),
    "cell.field.long_memory_prev": (
        "C_t−1 (long-term memory before)",
        "C_t−1（之前的长期记忆）",
    ),
    "cell.field.short_memory_prev": (
        "H_t−1 (short-term memory before)",
        "H_t−1（之前的短期记忆）",
    ),
    "cell.field.forget_gate": (
        "F_t (forget gate)",
        "F_t（遗忘门）",
    ),
    "cell.field.kept": (
        "F_t · C_t−1 (kept)",
        "F_t · C_t−1（保留的）",
    ),
    "cell.field.input_gate": (
        "I_t (input gate)",
        "I_t（输入门）",
    ),
    "cell.field.candidate": (
        "C̃_t (candidate memory)",
        "C̃_t（候选记忆）",
    ),
    "cell.field.added": (
        "I_t · C̃_t (added)",
        "I_t · C̃_t（加上的）",
    ),
    "cell.field.long_memory": (
        "C_t (long-term memory)",
        "C_t（长期记忆）",
    ),
    "cell.field.tanh_long": (
        "tanh(C_t)",
        "tanh(C_t)",
    ),
    "cell.field.output_gate": (
        "O_t (output gate)",
        "O_t（输出门）",
    ),
    "cell.field.short_memory": (
        "H_t (short-term memory)",
        "H_t（短期记忆）",
    ),
    "cell.field.prediction": (
        "prediction (H of the last day)",
        "预测（最后一天的 H）",
    ),
    "cell.source.trained": (
        "yours, trained in Retrain",
        "你的，在“重新训练”中训练的",
    ),
    "cell.source.uploaded": (
        "yours, uploaded",
        "你的，上传的",
    ),
    "cell.source.epoch": (
        "yours, after {epoch} epochs of your training",
        "你的，训练 {epoch} 轮之后",
    ),
    "cell.source.sliders": (
        "the playground's sliders",
        "游乐场滑块上的权重",
    ),
    "gate.heading": (
        "**{name} {symbol}_t · {seq} · day {step}**",
        "**{name} {symbol}_t · {seq} · 第 {step} 天**",
    ),
    "gate.loss": (
        "Gradient of the loss L = (prediction − label)² = ({prediction} − {label:g})² = {loss:.6f} for this sequence, through all its days (computed backwards through the days, in your browser):",
        "损失 L = （预测 − 标签）² = ({prediction} − {label:g})² = {loss:.6f} 对这个序列（经过它的每一天）的梯度（在你的浏览器中沿各天反向计算）：",
    ),
    "gate.curious": (
        "For the curious: how the loss changes with this gate's weights",
        "给好奇的你：损失如何随这个门的权重变化",
    ),
    "gate.close": ("Close", "关闭"),
    "gate.sign": (
        "A negative value means that increasing the parameter lowers the loss.",
        "负值表示增大该参数会降低损失。",
    ),
    "gate.folded": (
        "The built-in model has two biases per gate (b_ih and b_hh); each gets the gradient shown for b.",
        "内置模型每个门有两个偏置（b_ih 和 b_hh），每个的梯度都等于这里 b 的梯度。",
    ),
    "gate.no_label": (
        "This sequence has no label (only Company A's and Company B's are known), so there is no loss and no gradient to show.",
        "这个序列没有标签（只有公司 A 和公司 B 的标签是已知的），所以没有损失，也没有梯度。",
    ),
    # -- the story (story.py) --
    "story.heading": ("How Company B remembers day 1", "公司 B 如何记住第 1 天"),
    "story.next": ("Next", "下一步"),
    "story.back": ("Back", "上一步"),
    "story.restart": ("Start again", "重新开始"),
    "story.step_of": ("Step {step} of {count}", "第 {step} 步，共 {count} 步"),
    "story.hint": ("← → or the buttons", "← → 或按钮"),
    "story.hint.touch": ("Tap Next / Back", "点按“下一步”或“上一步”"),
    "story.puzzle.title": ("The puzzle: only day 1 differs", "谜题：只有第 1 天不同"),
    "story.puzzle.text": (
        "Company A and Company B differ only on day 1: A starts at {x_A1:g}, B at {x_B1:g}, and both then go "
        "{x_B2:g}, {x_B3:g}, {x_B4:g}. The model must predict {label_A:g} for A and {label_B:g} for B, so it has to "
        "remember day 1 until day 4. This model predicts {pred_A:.3f} for A and {pred_B:.3f} for B.",
        "公司 A 和公司 B 只有第 1 天不同：A 从 {x_A1:g} 开始，B 从 {x_B1:g} 开始，之后两者都是 "
        "{x_B2:g}、{x_B3:g}、{x_B4:g}。模型必须对 A 预测 {label_A:g}，对 B 预测 {label_B:g}，"
        "所以它要把第 1 天一直记到第 4 天。这个模型对 A 预测 {pred_A:.3f}，对 B 预测 {pred_B:.3f}。",
    ),
    "story.puzzle.text.not_apart": (
        "Company A and Company B differ only on day 1: A starts at {x_A1:g}, B at {x_B1:g}, and both then go "
        "{x_B2:g}, {x_B3:g}, {x_B4:g}. The model must predict {label_A:g} for A and {label_B:g} for B, so it has to "
        "remember day 1 until day 4. These weights predict {pred_A:.3f} for A and {pred_B:.3f} for B: they do not "
        "(yet) tell the two apart the way the labels ask.",
        "公司 A 和公司 B 只有第 1 天不同：A 从 {x_A1:g} 开始，B 从 {x_B1:g} 开始，之后两者都是 "
        "{x_B2:g}、{x_B3:g}、{x_B4:g}。模型必须对 A 预测 {label_A:g}，对 B 预测 {label_B:g}，"
        "所以它要把第 1 天一直记到第 4 天。这组权重对 A 预测 {pred_A:.3f}，对 B 预测 {pred_B:.3f}："
        "它们（还）不能按标签的要求分开这两家公司。",
    ),
    "story.day1.title": ("Day 1 writes the memory", "第 1 天写入记忆"),
    "story.day1.text": (
        "On day 1 there is no memory yet: C₀ = {C_0:g}. The input gate lets in {I_B1:.0%} of B's candidate "
        "{Cand_B1:+.3f} and {I_A1:.0%} of A's {Cand_A1:+.3f}. So day 1 writes {C_B1:+.3f} into B's memory and "
        "{C_A1:+.3f} into A's.",
        "第 1 天还没有任何记忆：C₀ = {C_0:g}。输入门让 B 的候选记忆 {Cand_B1:+.3f} 进入 {I_B1:.0%}，"
        "让 A 的 {Cand_A1:+.3f} 进入 {I_A1:.0%}。于是第 1 天把 {C_B1:+.3f} 写入 B 的记忆，"
        "把 {C_A1:+.3f} 写入 A 的记忆。",
    ),
    "story.day1.text.alike": (
        "On day 1 there is no memory yet: C₀ = {C_0:g}. The input gate lets in {I_B1:.0%} of B's candidate "
        "{Cand_B1:+.3f} and {I_A1:.0%} of A's {Cand_A1:+.3f}. So day 1 writes nearly the same into both memories, "
        "{C_B1:+.3f} into B's and {C_A1:+.3f} into A's: these weights do not mark day 1's difference.",
        "第 1 天还没有任何记忆：C₀ = {C_0:g}。输入门让 B 的候选记忆 {Cand_B1:+.3f} 进入 {I_B1:.0%}，"
        "让 A 的 {Cand_A1:+.3f} 进入 {I_A1:.0%}。于是第 1 天写入两者的记忆几乎相同，B 的是 {C_B1:+.3f}，"
        "A 的是 {C_A1:+.3f}：这组权重没有记下第 1 天的差别。",
    ),
    "story.forget.title": ("What the forget gate keeps", "遗忘门保留多少"),
    "story.forget.text": (
        "The forget gate decides how much of the memory to keep. On day 2 B's forget gate is {F_B2:.0%}: of B's "
        "memory {C_B1:+.3f} it keeps {kept_B2:+.3f}. On days 2 to 4 it never drops below {F_B_min:.0%}, so what "
        "day 1 wrote is carried forward.",
        "遗忘门决定保留多少记忆。第 2 天 B 的遗忘门是 {F_B2:.0%}：B 的记忆 {C_B1:+.3f} 保留下 {kept_B2:+.3f}。"
        "第 2 到 4 天它从不低于 {F_B_min:.0%}，所以第 1 天写入的内容被一路带下去。",
    ),
    "story.forget.text.forgets": (
        "The forget gate decides how much of the memory to keep. On day 2 B's forget gate is {F_B2:.0%}: of B's "
        "memory {C_B1:+.3f} it keeps {kept_B2:+.3f}. On days 2 to 4 it goes as low as {F_B_min:.0%}, so these "
        "weights let what day 1 wrote fade instead of keeping it.",
        "遗忘门决定保留多少记忆。第 2 天 B 的遗忘门是 {F_B2:.0%}：B 的记忆 {C_B1:+.3f} 保留下 {kept_B2:+.3f}。"
        "第 2 到 4 天它低至 {F_B_min:.0%}，所以这组权重让第 1 天写入的内容逐渐消失，而不是保留下来。",
    ),
    "story.feedback.title": ("H feeds back into every gate", "H 反馈到每一个门"),
    "story.feedback.text": (
        "On days 2 and 3 both companies get the same inputs, {x_B2:g} and {x_B3:g}, yet B's memory grows, "
        "{C_B1:+.3f} → {C_B2:+.3f} → {C_B3:+.3f}, while A's goes {C_A1:+.3f} → {C_A2:+.3f} → {C_A3:+.3f}. "
        "The reason is the short-term memory H: each day's H feeds back into every gate the next day, and B's "
        "H₁ is {H_B1:+.3f} against A's {H_A1:+.3f}. So on day 2 B's input gate lets in {I_B2:.0%} of a "
        "candidate {Cand_B2:+.3f}, A's {I_A2:.0%} of {Cand_A2:+.3f}.",
        "第 2、3 天两家公司的输入相同，都是 {x_B2:g} 和 {x_B3:g}，但 B 的记忆在增长："
        "{C_B1:+.3f} → {C_B2:+.3f} → {C_B3:+.3f}，而 A 的是 {C_A1:+.3f} → {C_A2:+.3f} → {C_A3:+.3f}。"
        "原因在短期记忆 H：每天的 H 在第二天反馈到每一个门，B 的 H₁ 是 {H_B1:+.3f}，A 的是 {H_A1:+.3f}。"
        "所以第 2 天 B 的输入门让候选记忆 {Cand_B2:+.3f} 进入 {I_B2:.0%}，A 的输入门让 {Cand_A2:+.3f} "
        "进入 {I_A2:.0%}。",
    ),
    "story.feedback.text.no_growth": (
        "On days 2 and 3 both companies get the same inputs, {x_B2:g} and {x_B3:g}, and B's memory does not grow: "
        "{C_B1:+.3f} → {C_B2:+.3f} → {C_B3:+.3f}, while A's goes {C_A1:+.3f} → {C_A2:+.3f} → {C_A3:+.3f}. "
        "Their gates still differ because each day's H feeds back into every gate the next day, and B's H₁ is "
        "{H_B1:+.3f} against A's {H_A1:+.3f}. So on day 2 B's input gate lets in {I_B2:.0%} of a candidate "
        "{Cand_B2:+.3f}, A's {I_A2:.0%} of {Cand_A2:+.3f}.",
        "第 2、3 天两家公司的输入相同，都是 {x_B2:g} 和 {x_B3:g}，而 B 的记忆没有增长："
        "{C_B1:+.3f} → {C_B2:+.3f} → {C_B3:+.3f}，A 的是 {C_A1:+.3f} → {C_A2:+.3f} → {C_A3:+.3f}。"
        "它们的门仍然不同，因为每天的 H 在第二天反馈到每一个门，B 的 H₁ 是 {H_B1:+.3f}，A 的是 {H_A1:+.3f}。"
        "所以第 2 天 B 的输入门让候选记忆 {Cand_B2:+.3f} 进入 {I_B2:.0%}，A 的输入门让 {Cand_A2:+.3f} "
        "进入 {I_A2:.0%}。",
    ),
    "story.feedback.text.same_h": (
        "On days 2 and 3 both companies get the same inputs, {x_B2:g} and {x_B3:g}, and with these weights day 1 "
        "leaves them nearly the same short-term memory H, B's H₁ {H_B1:+.3f} against A's {H_A1:+.3f}. H feeds back "
        "into every gate the next day, so their gates see nearly the same: on day 2 B's input gate lets in "
        "{I_B2:.0%} of a candidate {Cand_B2:+.3f}, A's {I_A2:.0%} of {Cand_A2:+.3f}. B's memory goes "
        "{C_B1:+.3f} → {C_B2:+.3f} → {C_B3:+.3f}, A's {C_A1:+.3f} → {C_A2:+.3f} → {C_A3:+.3f}.",
        "第 2、3 天两家公司的输入相同，都是 {x_B2:g} 和 {x_B3:g}；而这组权重让第 1 天留下的短期记忆 H 也几乎相同，"
        "B 的 H₁ 是 {H_B1:+.3f}，A 的是 {H_A1:+.3f}。H 在第二天反馈到每一个门，所以它们的门看到的几乎一样："
        "第 2 天 B 的输入门让候选记忆 {Cand_B2:+.3f} 进入 {I_B2:.0%}，A 的输入门让 {Cand_A2:+.3f} 进入 {I_A2:.0%}。"
        "B 的记忆是 {C_B1:+.3f} → {C_B2:+.3f} → {C_B3:+.3f}，A 的是 {C_A1:+.3f} → {C_A2:+.3f} → {C_A3:+.3f}。",
    ),
    "story.output.title": ("The output gate reads it out", "输出门读出记忆"),
    "story.output.text": (
        "On day 4 the output gate reads the memory out: H₄ = O₄ × tanh(C₄). For B that is {O_B4:.3f} × "
        "tanh({C_B4:+.3f}) = {pred_B:.3f}, for A {O_A4:.3f} × tanh({C_A4:+.3f}) = {pred_A:.3f}. This last "
        "short-term memory is the model's prediction.",
        "第 4 天输出门把记忆读出来：H₄ = O₄ × tanh(C₄)。B 是 {O_B4:.3f} × tanh({C_B4:+.3f}) = {pred_B:.3f}，"
        "A 是 {O_A4:.3f} × tanh({C_A4:+.3f}) = {pred_A:.3f}。最后这个短期记忆就是模型的预测。",
    ),
    "story.break.title": ("Break it: switch off the forget gate", "动手破坏：关掉遗忘门"),
    "story.break.text": (
        "Switch off the forget gate, F = {F_off:g} on every day, and each day's memory starts empty. Now the model "
        "predicts {off_A:.3f} for A and {off_B:.3f} for B: the gap B − A shrinks from {gap:+.3f} to "
        "{gap_off:+.3f}. What is left of the difference reaches day 4 only through H.",
        "关掉遗忘门，每一天 F = {F_off:g}，每天的记忆就都从空开始。现在模型对 A 预测 {off_A:.3f}，"
        "对 B 预测 {off_B:.3f}：两者之差 B − A 从 {gap:+.3f} 缩小到 {gap_off:+.3f}。"
        "剩下的差别只能经由 H 传到第 4 天。",
    ),
    "story.break.text.apart": (
        "Switch off the forget gate, F = {F_off:g} on every day, and each day's memory starts empty. Now the model "
        "predicts {off_A:.3f} for A and {off_B:.3f} for B: the gap B − A goes from {gap:+.3f} to {gap_off:+.3f}, "
        "so with these weights switching it off does not bring the two predictions together.",
        "关掉遗忘门，每一天 F = {F_off:g}，每天的记忆就都从空开始。现在模型对 A 预测 {off_A:.3f}，"
        "对 B 预测 {off_B:.3f}：两者之差 B − A 从 {gap:+.3f} 变为 {gap_off:+.3f}，"
        "所以对这组权重来说，关掉遗忘门并没有让两个预测靠拢。",
    ),
    "story.why.title": ("Why an LSTM, not a plain RNN", "为什么用 LSTM，而不是普通 RNN"),
    "story.why.text": (
        "A plain RNN carries its memory through the same weight every day, and multiplying by one weight again and "
        "again makes it explode or vanish; as StatQuest explains, the LSTM's long-term memory has no weights on its "
        "path, so it does neither. colah (“Understanding LSTM Networks”) calls it a conveyor belt: “It runs straight "
        "down the entire chain, with only some minor linear interactions.” In this cell only the forget gate stands "
        "on B's C line from day 1 to day 4: F₂ × F₃ × F₄ = {keep_B:.3f}, so {keep_B:.0%} of what day 1 wrote "
        "survives along it.",
        "普通 RNN 每天都让记忆经过同一个权重，一次又一次地乘以同一个权重会让它爆炸或消失；正如 StatQuest 所讲，"
        "LSTM 的长期记忆路径上没有权重，所以两者都不会发生。colah（《Understanding LSTM Networks》）"
        "把它比作传送带：“它沿着整条链一直向下，只有一些很小的线性作用。”在这个单元里，B 的 C 线从第 1 天到第 4 天"
        "只经过遗忘门：F₂ × F₃ × F₄ = {keep_B:.3f}，所以第 1 天写入的记忆有 {keep_B:.0%} 沿着它保留下来。",
    ),
    "story.why.text.lost": (
        "A plain RNN carries its memory through the same weight every day, and multiplying by one weight again and "
        "again makes it explode or vanish; as StatQuest explains, the LSTM's long-term memory has no weights on its "
        "path, so it does neither. colah (“Understanding LSTM Networks”) calls it a conveyor belt: “It runs straight "
        "down the entire chain, with only some minor linear interactions.” In this cell only the forget gate stands "
        "on B's C line from day 1 to day 4, and F₂ × F₃ × F₄ = {keep_B:.3f}: these weights let only {keep_B:.0%} "
        "of what day 1 wrote through, so they do not use the belt to remember it.",
        "普通 RNN 每天都让记忆经过同一个权重，一次又一次地乘以同一个权重会让它爆炸或消失；正如 StatQuest 所讲，"
        "LSTM 的长期记忆路径上没有权重，所以两者都不会发生。colah（《Understanding LSTM Networks》）"
        "把它比作传送带：“它沿着整条链一直向下，只有一些很小的线性作用。”在这个单元里，B 的 C 线从第 1 天到第 4 天"
        "只经过遗忘门，而 F₂ × F₃ × F₄ = {keep_B:.3f}：这组权重只让第 1 天写入的记忆通过 {keep_B:.0%}，"
        "所以它们没有用这条传送带来记住它。",
    ),
    # -- the guard's refusals --
    "guard.too_large": (
        "The request is larger than this server accepts ({limit:,} bytes).",
        "请求超过了本服务器接受的大小（{limit:,} 字节）。",
    ),
    "guard.not_a_call": (
        "This request is not a call this server understands: send JSON with a 'data' list (and a session_hash).",
        "本服务器无法理解这个请求：请发送带有 'data' 列表（以及 session_hash）的 JSON。",
    ),
    "guard.no_such_function": ("This server has no such function.", "本服务器没有这个函数。"),
    "guard.too_deep": (
        "This request nests its values too deeply to be read.",
        "这个请求的值嵌套得太深，无法读取。",
    ),
    "guard.not_text": (
        "Text in this request holds a lone surrogate (such as \\ud800), which is not a character.",
        "这个请求的文本中含有孤立的代理码（例如 \\ud800），它不是一个字符。",
    ),
    "guard.busy": (
        "You already have {limit} requests waiting; wait for one to finish, then try again.",
        "你已有 {limit} 个请求在等待；请等其中一个完成后再试。",
    ),
    "guard.trainings_full": (
        "{limit} trainings are already waiting to run; try again in a minute.",
        "已有 {limit} 个训练在等待运行；请一分钟后再试。",
    ),
    "guard.one_file": ("Send one file per upload.", "每次上传只能发送一个文件。"),
    "guard.too_many_uploads": (
        "Too many uploads from your address; try again in a minute.",
        "来自你的地址的上传太多；请一分钟后再试。",
    ),
    "guard.not_multipart": (
        "This upload could not be read: send one file as multipart/form-data.",
        "无法读取这次上传：请以 multipart/form-data 格式发送一个文件。",
    ),
    "guard.v2.not_object": (
        "A call to {where} is a JSON object of its parameters ({names}).",
        "对 {where} 的调用应当是一个由其参数（{names}）组成的 JSON 对象。",
    ),
    "guard.v2.unknown": (
        "{where} has no parameter {name!r}; its parameters are {names}.",
        "{where} 没有参数 {name!r}；它的参数是 {names}。",
    ),
    "guard.v2.missing": (
        "{where} needs a value for {name!r}; its parameters are {names}.",
        "{where} 需要参数 {name!r} 的值；它的参数是 {names}。",
    ),
    "guard.server_error": (
        "The server could not answer this request; it has been logged.",
        "服务器无法回答这个请求；它已被记录。",
    ),
    "guard.not_a_choice": (
        "{value} is not one of the choices here: {choices}.",
        "{value} 不是这里的选项之一：{choices}。",
    ),
    "guard.proxies": (
        "LSTM_DEMO_TRUSTED_PROXIES must list IP addresses or networks separated by commas, not {value!r}.",
        "LSTM_DEMO_TRUSTED_PROXIES 必须是用逗号分隔的 IP 地址或网段，而不是 {value!r}。",
    ),
    "call.kind.file": (
        "a file uploaded first (the dict the upload route answered)",
        "一个先上传的文件（上传接口返回的字典）",
    ),
    "call.kind.table": ("a table (headers and rows)", "一个表格（表头和各行）"),
    "call.kind.json": ("JSON", "JSON 数据"),
    "call.kind.number": ("a number", "一个数字"),
    "call.kind.bool": ("true or false", "true 或 false"),
    "call.kind.choices": ("a list of choices", "一个选项列表"),
    "call.kind.choice": ("one of its choices", "它的选项之一"),
    "call.kind.text": ("text", "文本"),
    "call.kind.value": ("its value", "它的值"),
    "call.kind.example": ("the number of an example (0, 1, ...)", "一个示例的编号（0、1……）"),
    "call.kind.other": ("its kind of value", "它那一类的值"),
    # Gradio's private surface, checked at start (ui/gradio_internals.py): what stops the start.
    "gradio.missing": (
        "Gradio {version}'s {owner} has no {name}: {purpose}.",
        "Gradio {version} 的 {owner} 没有 {name}：{purpose}。",
    ),
    "gradio.purpose.queue": ("the queue shares cannot be counted", "无法统计队列份额"),
    "gradio.purpose.block_configs": (
        "each new session would build the page's configuration again",
        "每个新会话都会重新构建页面的配置",
    ),
    "gradio.purpose.functions": (
        "calls cannot be matched to their functions",
        "无法把调用对应到它们的函数",
    ),
    "gradio.purpose.app": ("the guard cannot reach the page's functions", "防护层无法找到页面的函数"),
    "gradio.purpose.upload_folder": (
        "uploads cannot be bounded on disk or named without server paths",
        "无法限制上传文件占用的磁盘，也无法在不暴露服务器路径的情况下命名它们",
    ),
    "gradio.purpose.upload_parser": (
        "an upload's files cannot be counted as Gradio counts them",
        "无法像 Gradio 那样清点一次上传中的文件",
    ),
    "gradio.purpose.process_api": (
        "a malformed call cannot be answered with one sentence",
        "无法用一句话回答格式错误的调用",
    ),
    "gradio.purpose.processing_error": (
        "a malformed call's faulty value cannot be named",
        "无法指出格式错误的调用中出错的值",
    ),
    "gradio.purpose.choices": (
        "a value that is not one of the choices cannot be named in plain words",
        "无法用平实的话指出不在选项中的值",
    ),
    "gradio.purpose.components": (
        "a malformed call's expected values cannot be described",
        "无法描述格式错误的调用所需要的值",
    ),
    "gradio.purpose.deep_links": (
        "deep links cannot be bounded on disk or kept free of server paths",
        "无法限制深层链接占用的磁盘，也无法让它们不含服务器路径",
    ),
    "gradio.purpose.api_info": (
        "the v2 call route cannot be served",
        "无法提供 v2 调用接口",
    ),
    "gradio.purpose.forwarded": (
        "which proxies are trusted cannot be set, so a client could choose its own address",
        "无法设定信任哪些代理，客户端因此可以自选地址",
    ),
    # -- workers --
    "workers.threads_leaked": (
        "The server is not taking new trainings now: {count} earlier ones have not ended yet. Please try again later.",
        "服务器现在不接受新的训练：之前有 {count} 个训练尚未结束。请稍后再试。",
    ),
    "retrain.epochs.most": (
        "Epochs (the most: it stops once converged)",
        "轮数（上限：收敛即停）",
    ),
    "paren.open": (
        " (",
        "（",
    ),
    "paren.close": (
        ")",
        "）",
    ),
    "cell.replay": (
        "Epoch {epoch:,}: loss {loss:.6f}, Company A {a:.3f}, Company B {b:.3f}",
        "第 {epoch:,} 轮：损失 {loss:.6f}，公司 A {a:.3f}，公司 B {b:.3f}",
    ),
    "cell.replay.play": (
        "▶ Replay the training",
        "▶ 回放这次训练",
    ),
    "cell.replay.pause": (
        "■ Pause",
        "■ 暂停",
    ),
    "cell.replay.scrub": (
        "Epoch of the replay",
        "回放的轮次",
    ),
    "cell.replay.open": (
        "Step through these weights in Inside",
        "在“LSTM 内部”中逐步查看这组权重",
    ),
    "explore.travel.link": (
        "Open the replay on Retrain",
        "打开“重新训练”中的回放",
    ),
    "race.takeaway.both": (
        "lr {fast:g} reached the labels (both predictions within {tolerance:g} of them) at epoch {epoch:,}, {sooner:,} epochs sooner than lr {slow:g} (epoch {later:,}).",
        "学习率 {fast:g} 在第 {epoch:,} 轮达到标签（两个预测都与标签相差不到 {tolerance:g}），比学习率 {slow:g}（第 {later:,} 轮）早 {sooner:,} 轮。",
    ),
    "race.takeaway.only": (
        "lr {fast:g} reached the labels (both predictions within {tolerance:g} of them) at epoch {epoch:,}; lr {slow:g} had not after {epochs:,} epochs.",
        "学习率 {fast:g} 在第 {epoch:,} 轮达到标签（两个预测都与标签相差不到 {tolerance:g}）；学习率 {slow:g} 训练 {epochs:,} 轮后仍未达到。",
    ),
    "race.takeaway.one": (
        "lr {rate:g} reached the labels (both predictions within {tolerance:g} of them) at epoch {epoch:,}.",
        "学习率 {rate:g} 在第 {epoch:,} 轮达到标签（两个预测都与标签相差不到 {tolerance:g}）。",
    ),
    "race.takeaway.none": (
        "Neither learning rate reached the labels (both predictions within {tolerance:g} of them) in {epochs:,} epochs.",
        "两个学习率在 {epochs:,} 轮内都没有达到标签（两个预测都与标签相差不到 {tolerance:g}）。",
    ),
    "cell.live_source": (
        "Weights: your training's, as it runs",
        "权重：你的训练中正在变化的权重",
    ),
    "recipe.name.fast": (
        "fast (to converge)",
        "fast（为了收敛）",
    ),
    "recipe.name.statquest": (
        "statquest (StatQuest's recipe)",
        "statquest（StatQuest 的方案）",
    ),
    "device.name.auto": (
        "auto (the GPU if there is one)",
        "auto（有 GPU 就用 GPU）",
    ),
    "device.name.cpu": (
        "cpu",
        "cpu（处理器）",
    ),
    "device.name.gpu": (
        "gpu",
        "gpu（显卡）",
    ),
    "table.step": (
        "step",
        "步",
    ),
    "table.input": (
        "input X",
        "输入 X",
    ),
    "table.forget_gate": (
        "forget gate F",
        "遗忘门 F",
    ),
    "table.input_gate": (
        "input gate I",
        "输入门 I",
    ),
    "table.candidate": (
        "candidate C~",
        "候选值 C~",
    ),
    "table.output_gate": (
        "output gate O",
        "输出门 O",
    ),
    "table.long_memory": (
        "long-term memory C",
        "长期记忆 C",
    ),
    "table.short_memory": (
        "short-term memory H",
        "短期记忆 H",
    ),
    "lottery.takeaway.in": (
        "**{share:.0%} of random starts converged; seed 42 is among them.**",
        "**{share:.0%} 的随机初始值收敛了；种子 42 在其中。**",
    ),
    "lottery.takeaway.out": (
        "**{share:.0%} of random starts converged; seed 42 is not among them.**",
        "**{share:.0%} 的随机初始值收敛了；种子 42 不在其中。**",
    ),
    "curve.takeaway": (
        "On {company}'s other days, day {day} moves the hand-built cell's prediction most: from {low:.2f} to {high:.2f}; each other day moves it by {others:.2f} at most.",
        "在{company}的其余几天上，第 {day} 天对手工单元预测的影响最大：从 {low:.2f} 到 {high:.2f}；其他每一天最多只改变 {others:.2f}。",
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


# Every key in one language: the page's gr.I18n takes these (only the keys the page uses: ui/common.T).
EN: dict[str, str] = {key: english for key, (english, _) in MESSAGES.items()}
ZH: dict[str, str] = {key: chinese for key, (_, chinese) in MESSAGES.items()}


def words(language: str) -> dict[str, str]:
    """The whole catalogue in `language` ('zh', or English for anything else), unfilled."""
    return ZH if language == "zh" else EN
