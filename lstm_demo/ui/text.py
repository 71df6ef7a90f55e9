"""Every label and explanation of the Space, in English and Chinese (the seed is written in Chinese).

Gradio translates these in the browser, following its language; the language switch in the page
sets it by hand. Server-made sentences (errors, step sentences) follow the visitor's
Accept-Language header or the switch.
"""

from __future__ import annotations

EN = {
    "title": "LSTM, built two ways",
    "intro": (
        "Two LSTMs side by side on StatQuest's toy task: **`torch.nn.LSTM`** (*built-in*) and an LSTM cell "
        "**built by hand** from its six equations (*hand-built*). Company A `0, 0.5, 0.25, 1` should give **0**, "
        "Company B `1, 0.5, 0.25, 1` should give **1**: only day 1 differs, so the model must remember it."
    ),
    "tab.predict": "Predict",
    "tab.inside": "Inside the LSTM",
    "tab.retrain": "Retrain",
    "tab.explore": "Explore",
    "tab.about": "About",
    "sequence": "Sequence (numbers separated by commas)",
    "sequence.info": "Any length from 1 to the limit, e.g. 1, 0.5, 0.25, 1",
    "model": "Model",
    "model.builtin": "built-in (torch.nn.LSTM)",
    "model.craft": "hand-built (from the equations)",
    "predict.button": "Predict",
    "predict.results": "Predictions of both models",
    "predict.chart": "Your sequence",
    "examples": "Examples (click one to predict it)",
    "upload.title": "Your own weights",
    "upload.file": "Upload a .safetensors file of either model's layout",
    "upload.button": "Predict with the uploaded weights",
    "upload.prediction": "Prediction of the uploaded model",
    "upload.status": "Upload status",
    "inside.button": "Step through",
    "inside.table": "Gates and memories at every step",
    "inside.chart": "Inside the cell over time",
    "inside.step": "Step",
    "inside.equations": "The six equations at this step",
    "inside.sentence": "What the gates did",
    "parity.title": "Parity: the same weights in both models",
    "parity.button": "Transplant and compare",
    "retrain.recipe": "Recipe",
    "retrain.epochs": "Epochs (the most, for fast)",
    "retrain.lr": "Learning rate",
    "retrain.seed": "Seed",
    "retrain.device": "Device",
    "retrain.device.info": "A 12-parameter model trains faster on the CPU: a GPU spends its time launching kernels.",
    "device.gpu.none": "gpu (none here)",
    "retrain.train": "Train",
    "retrain.stop": "Stop",
    "retrain.progress": "Progress",
    "retrain.loss": "Loss per epoch",
    "retrain.predictions": "Predictions per epoch (Out 0 = Company A, Out 1 = Company B)",
    "retrain.summary": "Summary",
    "retrain.file": "Trained weights (.safetensors)",
    "retrain.use": "Use my weights in Predict and Inside (only for me)",
    "share": "Copy a link to this state",
    "share.copied": "Link copied",
    "language": "Language",
    "weights.source": "Serving",
}

ZH = {
    "title": "LSTM 的两种实现",
    "intro": (
        "在 StatQuest 的小任务上并排展示两个 LSTM：**`torch.nn.LSTM`**（*内置*）和按六个方程**手工搭建**的 LSTM 单元"
        "（*手工*）。公司 A `0, 0.5, 0.25, 1` 应预测为 **0**，公司 B `1, 0.5, 0.25, 1` 应预测为 **1**："
        "两者只有第 1 天不同，所以模型必须记住它。"
    ),
    "tab.predict": "预测",
    "tab.inside": "LSTM 内部",
    "tab.retrain": "重新训练",
    "tab.explore": "探索",
    "tab.about": "关于",
    "sequence": "序列（用逗号分隔的数字）",
    "sequence.info": "长度从 1 到上限，例如 1, 0.5, 0.25, 1",
    "model": "模型",
    "model.builtin": "内置（torch.nn.LSTM）",
    "model.craft": "手工搭建（按方程）",
    "predict.button": "预测",
    "predict.results": "两个模型的预测",
    "predict.chart": "你的序列",
    "examples": "示例（点击即预测）",
    "upload.title": "你自己的权重",
    "upload.file": "上传任一模型结构的 .safetensors 文件",
    "upload.button": "用上传的权重预测",
    "upload.prediction": "上传模型的预测",
    "upload.status": "上传状态",
    "inside.button": "逐步查看",
    "inside.table": "每一步的门与记忆",
    "inside.chart": "单元内部随时间的变化",
    "inside.step": "步",
    "inside.equations": "这一步的六个方程",
    "inside.sentence": "各个门做了什么",
    "parity.title": "一致性：同一组权重放进两个模型",
    "parity.button": "移植并比较",
    "retrain.recipe": "训练方案",
    "retrain.epochs": "轮数（fast 方案为上限）",
    "retrain.lr": "学习率",
    "retrain.seed": "随机种子",
    "retrain.device": "设备",
    "retrain.device.info": "12 个参数的模型在 CPU 上训练更快：GPU 的时间都花在启动内核上。",
    "device.gpu.none": "gpu（这里没有）",
    "retrain.train": "训练",
    "retrain.stop": "停止",
    "retrain.progress": "进度",
    "retrain.loss": "每轮的损失",
    "retrain.predictions": "每轮的预测（Out 0 = 公司 A，Out 1 = 公司 B）",
    "retrain.summary": "总结",
    "retrain.file": "训练得到的权重（.safetensors）",
    "retrain.use": "在预测和内部视图中使用我的权重（仅对我）",
    "share": "复制指向当前状态的链接",
    "share.copied": "链接已复制",
    "language": "语言",
    "weights.source": "当前权重",
}

assert EN.keys() == ZH.keys(), "every label needs both languages"

EN.update(
    {
        "explore.playground": "Weight playground: the hand-built cell's 12 parameters",
        "explore.playground.info": "Move a slider and watch both companies' predictions. Switches force a gate, to see what it contributes.",
        "explore.switches": "Gate switches",
        "explore.reset": "Reset to the pretrained weights",
        "explore.predictions": "Predictions with these weights",
        "explore.curve": "Decision curves",
        "explore.curve.info": "Sweep one day's value from 0 to 1, the other days fixed at a company's values.",
        "explore.day": "Day to sweep",
        "explore.base": "Other days from",
        "explore.curve.button": "Draw",
        "explore.travel": "Training time-travel",
        "explore.travel.info": "After a training in Retrain, move through its epochs.",
        "explore.epoch": "Epochs trained",
        "explore.travel.inside": "Step through this epoch's weights in Inside",
        "explore.race": "Learning-rate race",
        "explore.race.info": "The same model and seed with two learning rates, the seed's recipe (batch of one, Adam).",
        "explore.race.button": "Race",
        "explore.lottery": "Initialization lottery",
        "explore.lottery.info": "Train many random starts of the hand-built cell at once (weights N(0,1), biases 0; full batch, Adam).",
        "explore.inits": "Random starts",
        "explore.lottery.button": "Draw the lottery",
        "explore.lottery.histogram": "Final loss of each start",
    }
)
ZH.update(
    {
        "explore.playground": "权重游乐场：手工单元的 12 个参数",
        "explore.playground.info": "拖动滑块，观察两家公司的预测。开关可以强制某个门的取值，看看它起什么作用。",
        "explore.switches": "门开关",
        "explore.reset": "恢复预训练权重",
        "explore.predictions": "这组权重的预测",
        "explore.curve": "决策曲线",
        "explore.curve.info": "把某一天的值从 0 扫到 1，其余几天固定为某家公司的值。",
        "explore.day": "扫描的那一天",
        "explore.base": "其余几天取自",
        "explore.curve.button": "绘制",
        "explore.travel": "训练时光机",
        "explore.travel.info": "在“重新训练”里训练之后，在各轮之间来回查看。",
        "explore.epoch": "已训练的轮数",
        "explore.travel.inside": "在“LSTM 内部”中逐步查看这一轮的权重",
        "explore.race": "学习率赛跑",
        "explore.race.info": "同一个模型和种子，两个学习率，用原文的训练方案（每批一个样本，Adam）。",
        "explore.race.button": "开始比赛",
        "explore.lottery": "初始化抽奖",
        "explore.lottery.info": "同时训练手工单元的许多随机初始值（权重 N(0,1)，偏置 0；全批量，Adam）。",
        "explore.inits": "随机初始值个数",
        "explore.lottery.button": "开奖",
        "explore.lottery.histogram": "每个初始值的最终损失",
    }
)

assert EN.keys() == ZH.keys(), "every label needs both languages"

# Predict's notes and the About tab (its limits and card summaries are added by about.py, which
# knows the app's numbers and reads the cards).
EN.update(
    {
        "predict.notes": (
            "**Why can a prediction be negative?** A prediction is the last short-term memory H_T = O_T · tanh(C_T): "
            "a gate between 0 and 1 times a tanh between −1 and 1, so it lies between −1 and 1, and a sequence "
            "unlike the companies' can land below 0.\n\n"
            "**Where the pretrained weights come from.** The hand-built cell's 12 numbers are StatQuest's own "
            "from the video *LSTM Clearly Explained*, remade by the seed's recipe (5000 epochs); the built-in "
            "model is `torch.nn.LSTM` trained by the same recipe (see About)."
        ),
        "about.what": (
            "## What this is\n"
            "Two LSTMs, one from the library (`torch.nn.LSTM`) and one **built by hand** from the six equations "
            "below, pretrained on StatQuest's toy task and shown side by side. **Inside the LSTM** steps through a "
            "sequence and shows each gate; **Retrain** trains either model with Lightning while you watch. The "
            "weights are safetensors files in the Hub layout; transplanted between the two models they give the "
            "same numbers (see the parity panel).\n\n"
            "A 12-parameter model trains faster on a CPU than on a GPU: each step is a few dozen tiny operations, "
            "and a GPU spends its time launching them.\n\n"
            "## Call it from a script"
        ),
        "about.equations": "## The six equations",
        "about.cards": "## The model cards",
        "about.card.craft.full": "Model card: craft (hand-built), as on the Hub",
        "about.card.builtin.full": "Model card: builtin (torch.nn.LSTM), as on the Hub",
        "parity.mapping": "**How 16 parameters become 12.** `torch.nn.LSTM` keeps, for each of its four gates (input, forget, candidate, output), a weight on the input, a weight on the short-term memory and **two** biases: one added to the input's term, one to the memory's term. The hand-built cell has **one** bias per gate. Both biases are only ever added together, so moving the weights over copies the two weights of each gate as they are and puts the **sum of the two biases** in the cell's one bias: 4 gates × 4 numbers = 16 become 4 gates × 3 = 12. Back the other way, the cell's bias goes into the first bias and the second is 0.",
    }
)
ZH.update(
    {
        "predict.notes": (
            "**为什么预测值可能是负数？** 预测值就是最后的短期记忆 H_T = O_T · tanh(C_T)：一个 0 到 1 之间的门乘以一个 "
            "−1 到 1 之间的 tanh，所以它在 −1 到 1 之间；和两家公司都不像的序列可能落在 0 以下。\n\n"
            "**预训练权重从哪里来。** 手工单元的 12 个数字就是 StatQuest 视频《LSTM Clearly Explained》里的那组数字，"
            "由原文的训练方案（5000 轮）重新训练得到；内置模型是用同一方案训练的 `torch.nn.LSTM`（见“关于”）。"
        ),
        "about.what": (
            "## 这是什么\n"
            "两个 LSTM：一个来自库（`torch.nn.LSTM`），一个按下面的六个方程**手工搭建**，都在 StatQuest 的小任务上预训练，"
            "并排展示。**LSTM 内部**逐步走过一个序列，展示每个门；**重新训练**用 Lightning 训练任一模型，边训练边看。"
            "权重是 Hub 格式的 safetensors 文件；在两个模型之间移植后，它们给出相同的数字（见一致性面板）。\n\n"
            "12 个参数的模型在 CPU 上比在 GPU 上训练得更快：每一步只有几十个很小的运算，GPU 的时间都花在启动它们上。\n\n"
            "## 在脚本中调用"
        ),
        "about.equations": "## 六个方程",
        "about.cards": "## 模型卡",
        "about.card.craft.full": "模型卡：craft（手工），与 Hub 上的相同（英文）",
        "about.card.builtin.full": "模型卡：builtin（torch.nn.LSTM），与 Hub 上的相同（英文）",
        "parity.mapping": "**16 个参数如何变成 12 个。** `torch.nn.LSTM` 的四个门（输入门、遗忘门、候选值、输出门）各有一个作用于输入的权重、一个作用于短期记忆的权重和**两个**偏置：一个加在输入项上，一个加在记忆项上。手工单元每个门只有**一个**偏置。两个偏置总是相加在一起，所以移植时每个门的两个权重原样复制，而单元的那个偏置取**两个偏置之和**：4 个门 × 4 个数 = 16 个，变成 4 个门 × 3 个数 = 12 个。反过来移植时，单元的偏置放进第一个偏置，第二个为 0。",
    }
)

assert EN.keys() == ZH.keys(), "every label needs both languages"


# -- Retrain and Explore as a visitor meets them: progress, results, recipes, the weights badge,
# the Explore parts (server-made sentences pick EN or ZH; labels go through T). --
EN.update(
    {
        "badge": "**Weights shown ({model}):** {weights}",
        "badge.pretrained.craft": "pretrained: StatQuest's own numbers from the video",
        "badge.pretrained.builtin": "pretrained: StatQuest's recipe, 300 epochs, seed 42",
        "badge.trained": "yours, trained ({recipe} recipe, seed {seed}, {epochs:,} epochs)",
        "badge.uploaded": "yours, uploaded ({file})",
        "badge.uploaded.nameless": "yours, uploaded",
        "badge.epoch": "yours, from epoch {epoch} of your training",
        "badge.own": "yours",
        "retrain.about.statquest": (
            "**statquest**: StatQuest's recipe, to reproduce the video. Batch of one (Company A, then Company B), "
            "Adam: the hand-built cell 5,000 epochs at learning rate 0.001 (it ends at the video's numbers, "
            "0.0022 and 0.9693), the built-in 300 epochs at 0.1. Small steps, so it takes thousands of epochs."
        ),
        "retrain.about.fast": (
            "**fast**: to converge. Full batch (both companies in one step) with Rprop, whose steps grow while "
            "a gradient keeps its sign; it stops once both predictions are within 0.01 of their labels "
            "(at most 1,000 epochs; most seeds need about 50)."
        ),
        "retrain.running": (
            "Epoch {epoch:,} of {epochs:,}: loss {loss:.4g}, Company A {a:.4f}, Company B {b:.4f} · "
            "{rate:,.0f} epochs per second"
        ),
        "retrain.waiting": "Waiting for a free training process (the Space runs a few trainings at once)…",
        "retrain.left": " · about {seconds:.1f} s left",
        "retrain.left.most": " · at most {seconds:.1f} s left (it stops once converged)",
        "retrain.done": (
            "**{how}** after {epochs:,} epochs in {seconds:.2f} s on {device}. Loss {loss:.4g}; "
            "Company A {a0:.4f} → {a1:.4f}, Company B {b0:.4f} → {b1:.4f}."
        ),
        "retrain.end.completed": "Finished",
        "retrain.end.converged": "Converged",
        "retrain.end.stopped": "Stopped by you",
        "retrain.end.time_limit": "Stopped at the time limit ({limit:g} s): a partial result",
        "retrain.end.diverged": (
            "Training diverged (the loss became NaN or infinite): no weights are offered, and your earlier "
            "weights are kept"
        ),
        "retrain.unwritten": (
            "The weights file could not be written on the server (disk full or not writable); they are still "
            "yours in this session."
        ),
        "retrain.table.what": "Training",
        "retrain.table.value": "Result",
        "retrain.table.model": "model",
        "retrain.table.recipe": "recipe",
        "retrain.table.epochs": "epochs trained",
        "retrain.table.lr": "learning rate",
        "retrain.table.seed": "seed",
        "retrain.table.loss": "loss (mean squared error)",
        "retrain.table.a": "Company A (label 0): before → after",
        "retrain.table.b": "Company B (label 1): before → after",
        "retrain.table.time": "time",
        "retrain.table.time.value": "{seconds:.4g} s on {device} ({rate:,.0f} epochs per second)",
        "retrain.table.end": "why it ended",
        "retrain.json": "The summary as JSON (for scripts)",
    }
)
ZH.update(
    {
        "badge": "**显示的权重（{model}）：** {weights}",
        "badge.pretrained.craft": "预训练：StatQuest 视频里的原始数值",
        "badge.pretrained.builtin": "预训练：StatQuest 的训练方案，300 轮，种子 42",
        "badge.trained": "你的，训练所得（{recipe} 方案，种子 {seed}，{epochs:,} 轮）",
        "badge.uploaded": "你的，上传的（{file}）",
        "badge.uploaded.nameless": "你的，上传的",
        "badge.epoch": "你的，取自你训练的第 {epoch} 轮",
        "badge.own": "你的",
        "retrain.about.statquest": (
            "**statquest**：StatQuest 的训练方案，用来重现视频。每批一个样本（先公司 A，再公司 B），Adam："
            "手工单元以学习率 0.001 训练 5,000 轮（结果就是视频里的数值 0.0022 和 0.9693），内置模型以 0.1 训练 300 轮。"
            "步子小，所以要几千轮。"
        ),
        "retrain.about.fast": (
            "**fast**：为了收敛。全批量（两家公司一步算完），用 Rprop：梯度符号不变时步长不断变大；"
            "两个预测都离标签不到 0.01 时就停止（最多 1,000 轮；大多数种子约 50 轮）。"
        ),
        "retrain.running": (
            "第 {epoch:,} 轮，共 {epochs:,} 轮：损失 {loss:.4g}，公司 A {a:.4f}，公司 B {b:.4f} · 每秒 {rate:,.0f} 轮"
        ),
        "retrain.waiting": "正在等待空闲的训练进程（本空间同时只运行少量训练）……",
        "retrain.left": " · 约剩 {seconds:.1f} 秒",
        "retrain.left.most": " · 最多剩 {seconds:.1f} 秒（收敛即停）",
        "retrain.done": (
            "**{how}**：共 {epochs:,} 轮，用时 {seconds:.2f} 秒，设备 {device}。损失 {loss:.4g}；"
            "公司 A {a0:.4f} → {a1:.4f}，公司 B {b0:.4f} → {b1:.4f}。"
        ),
        "retrain.end.completed": "训练完成",
        "retrain.end.converged": "已收敛",
        "retrain.end.stopped": "已被你停止",
        "retrain.end.time_limit": "到达时间上限（{limit:g} 秒）而停止：结果不完整",
        "retrain.end.diverged": "训练发散了（损失变成 NaN 或无穷大）：不提供权重，保留你之前的权重",
        "retrain.unwritten": "服务器上无法写入权重文件（磁盘已满或不可写）；在本次会话中它们仍归你使用。",
        "retrain.table.what": "训练",
        "retrain.table.value": "结果",
        "retrain.table.model": "模型",
        "retrain.table.recipe": "训练方案",
        "retrain.table.epochs": "训练轮数",
        "retrain.table.lr": "学习率",
        "retrain.table.seed": "随机种子",
        "retrain.table.loss": "损失（均方误差）",
        "retrain.table.a": "公司 A（标签 0）：训练前 → 训练后",
        "retrain.table.b": "公司 B（标签 1）：训练前 → 训练后",
        "retrain.table.time": "用时",
        "retrain.table.time.value": "{seconds:.4g} 秒，设备 {device}（每秒 {rate:,.0f} 轮）",
        "retrain.table.end": "结束原因",
        "retrain.json": "JSON 格式的总结（供脚本使用）",
    }
)

assert EN.keys() == ZH.keys(), "every label needs both languages"
EN.update(
    {
        "explore.part.playground": "Weight playground",
        "explore.part.curves": "Decision curves",
        "explore.part.travel": "Time-travel",
        "explore.part.race": "Learning-rate race",
        "explore.part.lottery": "Initialization lottery",
        "explore.forget": "Forget gate",
        "explore.forget.computed": "computed from the weights",
        "explore.forget.one": "forget=1: keep all of the long-term memory",
        "explore.forget.zero": "forget=0: forget it at every step",
        "explore.switch.input": "input=0: let nothing new in",
        "explore.switch.output": "output=1: pass all of tanh(C) on",
        "explore.race.rate_a": "Learning rate A",
        "explore.race.rate_b": "Learning rate B",
        "explore.race.epochs": "Epochs",
        "explore.lottery.epochs": "Epochs per start",
        "explore.lottery.why": (
            "Why most starts converge in 500 epochs here, while StatQuest's recipe takes 5,000: a different "
            "recipe. The lottery trains full batch (both companies in one step) with Adam at learning rate 0.1, "
            "a hundred times StatQuest's 0.001 with a batch of one; big steps get there in hundreds of epochs "
            "(or stall on a plateau), small steps need thousands."
        ),
    }
)
ZH.update(
    {
        "explore.part.playground": "权重游乐场",
        "explore.part.curves": "决策曲线",
        "explore.part.travel": "训练时光机",
        "explore.part.race": "学习率赛跑",
        "explore.part.lottery": "初始化抽奖",
        "explore.forget": "遗忘门",
        "explore.forget.computed": "按权重计算",
        "explore.forget.one": "forget=1：长期记忆全部保留",
        "explore.forget.zero": "forget=0：每一步都全部遗忘",
        "explore.switch.input": "input=0：不让任何新内容进入",
        "explore.switch.output": "output=1：把 tanh(C) 全部输出",
        "explore.race.rate_a": "学习率 A",
        "explore.race.rate_b": "学习率 B",
        "explore.race.epochs": "轮数",
        "explore.lottery.epochs": "每个初始值的轮数",
        "explore.lottery.why": (
            "为什么这里大多数初始值 500 轮就收敛，而 StatQuest 的方案要 5,000 轮：训练方案不同。"
            "抽奖用全批量（两家公司一步算完）和学习率 0.1 的 Adam，是 StatQuest 的 0.001（每批一个样本）的一百倍；"
            "大步子几百轮就到（或者卡在平台上），小步子要几千轮。"
        ),
    }
)

assert EN.keys() == ZH.keys(), "every label needs both languages"
