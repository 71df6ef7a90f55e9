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
