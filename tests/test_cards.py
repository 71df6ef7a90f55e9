"""The model card a trained model is saved with says how it was made, in words taken from the recipe."""

import pytest

from lstm_demo.data import COMPANIES, format_sequence
from lstm_demo.recipes import RECIPES, OPTIMIZERS
from lstm_demo.training import train
from lstm_demo.weights import save_model


@pytest.mark.parametrize("kind", ["craft", "builtin"])
@pytest.mark.parametrize("recipe", list(RECIPES))
def test_a_saved_card_describes_the_recipe_that_trained_the_model(tmp_path, recipe, kind):
    result = train(kind, recipe, epochs=3)
    folder = save_model(result.model, tmp_path / kind, result.summary())  # what `train --out` does
    card = (folder / "README.md").read_text()
    made = RECIPES[recipe][kind]
    row = next(line for line in card.splitlines() if line.startswith("| recipe |"))
    assert f"`{recipe}`" in row and result.recipe.describe() in row
    assert ("full batch" in row) == made.full_batch and ("batch of one" in row) == (not made.full_batch)
    assert f"| optimizer, learning rate | {OPTIMIZERS[made.optimizer]}, {made.learning_rate:g} |" in card
    assert all(name not in row for key, name in OPTIMIZERS.items() if key != made.optimizer)
    for company in COMPANIES:
        prediction = result.predictions[company.key]
        assert (
            f"| {company.name} `{format_sequence(company.sequence)}` | {company.label:g} | {prediction:.4g} |" in card
        )


def test_a_card_that_names_only_a_recipe_describes_that_recipe(tmp_path):
    folder = save_model(train("builtin", "fast", epochs=1).model, tmp_path / "builtin", {"recipe": "fast"})
    assert RECIPES["fast"]["builtin"].describe() in (folder / "README.md").read_text()


@pytest.mark.parametrize("kind", ["craft", "builtin"])
@pytest.mark.parametrize("recipe", list(RECIPES))
def test_a_recipe_says_the_same_in_chinese(recipe, kind):
    made = RECIPES[recipe][kind]
    english, chinese = made.describe(), made.describe("zh")
    assert ("全批量" in chinese) == made.full_batch and ("每批一个" in chinese) == (not made.full_batch)
    assert OPTIMIZERS[made.optimizer] in chinese and f"学习率 {made.learning_rate:g}" in chinese
    assert f"{made.epochs:,} 轮" in chinese and f"{made.epochs:,} epochs" in english
    assert not any(word in chinese for word in ("batch", "epochs", "squared"))  # no English left
