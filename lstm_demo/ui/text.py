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
    "examples": "Examples (click to fill)",
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
        "在 StatQuest 的小任务上并排展示两个 LSTM:**`torch.nn.LSTM`**(*内置*)和按六个方程**手工搭建**的 LSTM 单元"
        "(*手工*)。公司 A `0, 0.5, 0.25, 1` 应预测为 **0**,公司 B `1, 0.5, 0.25, 1` 应预测为 **1**:"
        "两者只有第 1 天不同,所以模型必须记住它。"
    ),
    "tab.predict": "预测",
    "tab.inside": "LSTM 内部",
    "tab.retrain": "重新训练",
    "tab.explore": "探索",
    "tab.about": "关于",
    "sequence": "序列(用逗号分隔的数字)",
    "sequence.info": "长度从 1 到上限,例如 1, 0.5, 0.25, 1",
    "model": "模型",
    "model.builtin": "内置(torch.nn.LSTM)",
    "model.craft": "手工搭建(按方程)",
    "predict.button": "预测",
    "predict.results": "两个模型的预测",
    "predict.chart": "你的序列",
    "examples": "示例(点击填入)",
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
    "parity.title": "一致性:同一组权重放进两个模型",
    "parity.button": "移植并比较",
    "retrain.recipe": "训练方案",
    "retrain.epochs": "轮数(fast 方案为上限)",
    "retrain.lr": "学习率",
    "retrain.seed": "随机种子",
    "retrain.device": "设备",
    "retrain.device.info": "12 个参数的模型在 CPU 上训练更快:GPU 的时间都花在启动内核上。",
    "retrain.train": "训练",
    "retrain.stop": "停止",
    "retrain.progress": "进度",
    "retrain.loss": "每轮的损失",
    "retrain.predictions": "每轮的预测(Out 0 = 公司 A,Out 1 = 公司 B)",
    "retrain.summary": "总结",
    "retrain.file": "训练得到的权重(.safetensors)",
    "retrain.use": "在预测和内部视图中使用我的权重(仅对我)",
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
        "explore.playground": "权重游乐场:手工单元的 12 个参数",
        "explore.playground.info": "拖动滑块,观察两家公司的预测。开关可以强制某个门的取值,看看它起什么作用。",
        "explore.switches": "门开关",
        "explore.reset": "恢复预训练权重",
        "explore.predictions": "这组权重的预测",
        "explore.curve": "决策曲线",
        "explore.curve.info": "把某一天的值从 0 扫到 1,其余几天固定为某家公司的值。",
        "explore.day": "扫描的那一天",
        "explore.base": "其余几天取自",
        "explore.curve.button": "绘制",
        "explore.travel": "训练时光机",
        "explore.travel.info": "在“重新训练”里训练之后,在各轮之间来回查看。",
        "explore.epoch": "已训练的轮数",
        "explore.travel.inside": "在“LSTM 内部”中逐步查看这一轮的权重",
        "explore.race": "学习率赛跑",
        "explore.race.info": "同一个模型和种子,两个学习率,用原文的训练方案(每批一个样本,Adam)。",
        "explore.race.button": "开始比赛",
        "explore.lottery": "初始化抽奖",
        "explore.lottery.info": "同时训练手工单元的许多随机初始值(权重 N(0,1),偏置 0;全批量,Adam)。",
        "explore.inits": "随机初始值个数",
        "explore.lottery.button": "开奖",
        "explore.lottery.histogram": "每个初始值的最终损失",
    }
)

assert EN.keys() == ZH.keys(), "every label needs both languages"

# The sentences a visitor's input can cause, in Chinese: (pattern over the English sentence,
# Chinese template using its groups). A sentence with no pattern here is shown in English behind
# a Chinese lead-in, so that no error ever reaches a Chinese page without a word of Chinese.
ERRORS_ZH = [
    (r"The sequence is empty: .*", "序列为空:请输入用逗号分隔的数字,例如 '0, 0.5, 0.25, 1'。"),
    (r"Item (\d+) \((.*)\) is not a number\.", r"第 \1 项(\2)不是数字。"),
    (r"Item (\d+) is NaN; .*", r"第 \1 项是 NaN;每个值都必须是有限的数字。"),
    (r"Item (\d+) is infinite or too large; .*", r"第 \1 项是无穷大或太大;每个值都必须是有限的数字。"),
    (r"The sequence has ([\d,]+) numbers; the limit is ([\d,]+)\.", r"序列有 \1 个数字;上限是 \2 个。"),
    (r"A sequence must be text such as .*", "序列必须是文本,例如 '0, 0.5, 0.25, 1'。"),
    (r"Unknown (\w+) (.*); choose (.*)\.", r"未知的\1 \2;请从 \3 中选择。"),
    (r"The (.+) must be a whole number from (\S+) to (\S+)\.", r"\1必须是 \2 到 \3 之间的整数。"),
    (r"The (.+) must be a whole number, not (.*)\.", r"\1必须是整数,而不是 \2。"),
    (r"The (.+) must be a number from (\S+) to (\S+)\.", r"\1必须是 \2 到 \3 之间的数字。"),
    (r"The (.+) must be a number, not (.*)\.", r"\1必须是数字,而不是 \2。"),
    (r"Only \.safetensors files are accepted\.", "只接受 .safetensors 文件。"),
    (r"Upload a \.safetensors file first\.", "请先上传一个 .safetensors 文件。"),
    (
        r"The file is ([\d,]+) bytes; .*\(limit ([\d,]+) bytes\)\.",
        r"文件有 \1 字节;这些模型的权重文件不到 1 KB(上限 \2 字节)。",
    ),
    (
        r"The file.*(truncated|not a \.safetensors file|not a valid \.safetensors file|could not be read).*",
        "这不是一个有效的 .safetensors 文件(可能被截断或已损坏)。",
    ),
    (r"The tensors do not match either model's layout \((.*)\)\.", r"张量与两个模型的结构都不匹配(\1)。"),
    (r"Tensor (\S+) has shape (\[.*\]); the (\w+) model needs (\[.*\])\.", r"张量 \1 的形状是 \2;\3 模型需要 \4。"),
    (r"Tensor (\S+) is (\w+); save the weights as float32\.", r"张量 \1 的类型是 \2;请以 float32 保存权重。"),
    (r"Tensor (\S+) holds NaN or infinite values\.", r"张量 \1 含有 NaN 或无穷大。"),
    (
        r"No GPU is available here; the devices this machine has are: (.*)\.",
        r"这里没有可用的 GPU;这台机器上的设备有:\1。",
    ),
    (r"The GPU ran out of memory; .*", "GPU 内存不足;请改用 CPU 训练。"),
    (r"Training was interrupted before it finished; .*", "训练在完成前被中断;没有保存任何内容。"),
    (r"Training failed.*; nothing was saved\.", "训练失败;没有保存任何内容。"),
    (
        r"Random starts x epochs may be at most ([\d,]+) per draw; this asks for ([\d,]+)\.",
        r"每次抽奖的随机初始值个数 × 轮数最多为 \1;这次请求的是 \2。",
    ),
    (r"Train a model in Retrain first; .*", "请先在“重新训练”中训练一个模型;之后它的各轮会显示在这里。"),
    (r"The forget gate cannot be switched to 1 and 0 at once\.", "遗忘门不能同时被强制为 1 和 0。"),
    (r"Queue is full.*", "队列已满,请稍后再试。"),
    (r"The link names no tab called (.*); the tabs are (.*)\.", r"链接里的标签页 \1 不存在;标签页有:\2。"),
    (r"Something went wrong on the server; please try again\.", "服务器出错了,请再试一次。"),
]


# The names of things that error sentences fill in.
WORDS_ZH = {
    "number of epochs": "轮数", "learning rate": "学习率", "seed": "随机种子", "model": "模型", "recipe": "训练方案",
    "device": "设备", "switch": "开关", "company": "公司", "day": "天数", "epoch": "轮数",
    "number of random starts": "随机初始值个数", "step": "步数",
}  # fmt: skip


def translate_error(message: str, language: str) -> str:
    """The Chinese sentence for an English error message (language 'zh'), else the message itself."""
    import re

    if language != "zh":
        return message
    for pattern, template in ERRORS_ZH:
        match = re.fullmatch(pattern, message)
        if match:
            groups = [WORDS_ZH.get(g, g) for g in match.groups()]
            return re.sub(r"\\(\d)", lambda m: groups[int(m.group(1)) - 1], template)
    return f"出错了:{message}"
