"""The project's own promises: CI runs the README's test command, and the README's numbers are current."""

import re

from conftest import ROOT


def _fenced_after(heading: str) -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split(heading, 1)[1]
    return re.search(r"```bash\n(.*?)\n```", section, re.S).group(1).strip()


def test_ci_runs_exactly_the_readme_test_command():
    command = _fenced_after("## Run the tests")
    ci_lines = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith(("#", "set ", "cd "))
    ]
    assert ci_lines == [command]


def test_the_readme_run_command_starts_the_space():
    assert _fenced_after("## Run it") == "pip install -r requirements.txt && python app.py"


def test_requirements_pin_every_package():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", line), line
    assert "torch==2.13.0" in (ROOT / "requirements.txt").read_text()
