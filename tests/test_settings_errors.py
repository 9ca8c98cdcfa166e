"""A bad VERACITY_* setting or flag is one error line and exit 2, whichever command reads it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from veracity.cli import main
from veracity.config import Settings, settings_error
from veracity.errors import ConfigError


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"VERACITY_LLM_TIMEOUT": "x"}, "VERACITY_LLM_TIMEOUT"),
        ({"VERACITY_MAX_ROUNDS": "abc"}, "VERACITY_MAX_ROUNDS"),
        ({"VERACITY_LLM_PRICES": "notjson"}, "llm_prices"),
        ({"VERACITY_MAX_INPUT_BYTES": "-5"}, "VERACITY_MAX_INPUT_BYTES"),
        ({"VERACITY_TOP_K": "0"}, "VERACITY_TOP_K"),
    ],
)
@pytest.mark.parametrize("command", [["check", "-", "--claims", "-q"], ["runs"]])
def test_bad_setting_is_one_line_and_exit_2(
    env: dict[str, str], names: str, command: list[str], tmp_path: object
) -> None:
    result = CliRunner().invoke(main, command, input="Jack Rae studied at UCL.\n", env=env)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "bad setting" in lines[0] and names in lines[0], result.output
    assert "Traceback" not in result.output


def test_absurd_limits_are_refused() -> None:
    for field, value in [("max_input_bytes", -5), ("max_claims", 0), ("passage_max_chars", 3), ("top_k", 10_000)]:
        with pytest.raises(Exception) as info:
            Settings(**{field: value})
        err = settings_error(info.value)
        assert isinstance(err, ConfigError) and field.upper() in str(err)


def test_other_failures_are_not_settings_errors() -> None:
    assert settings_error(ValueError("x")) is None
