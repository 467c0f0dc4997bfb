import pytest

from minirepro.config import resolve_device, resolve_scale, seed_everything, setup


def test_auto_scale_is_full_on_gpu_and_smoke_on_cpu():
    assert resolve_scale("auto", cuda_available=True, environ={}) == "full"
    assert resolve_scale("auto", cuda_available=False, environ={}) == "smoke"


def test_autograding_never_starts_a_full_run():
    env = {"NBGRADER_EXECUTION": "autograde"}
    assert resolve_scale("auto", cuda_available=True, environ=env) == "smoke"


def test_environment_variable_overrides_auto_but_not_an_explicit_value():
    assert resolve_scale("auto", cuda_available=False, environ={"MINIREPRO_SCALE": "full"}) == "full"
    assert resolve_scale("smoke", cuda_available=True, environ={"MINIREPRO_SCALE": "full"}) == "smoke"
    assert resolve_scale(" FULL ", cuda_available=False, environ={}) == "full"


@pytest.mark.parametrize("bad", ["tiny", "", "medium"])
def test_unknown_scale_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="SCALE must be"):
        resolve_scale(bad, cuda_available=False, environ={})


def test_scale_must_be_a_string():
    with pytest.raises(TypeError):
        resolve_scale(1, environ={})


def test_device_resolution():
    import torch

    assert resolve_device("cpu", environ={}) == "cpu"
    assert resolve_device("auto", environ={"MINIREPRO_DEVICE": "cpu"}) == "cpu"
    with pytest.raises(ValueError, match="DEVICE must be"):
        resolve_device("tpu", environ={})
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="no GPU"):
            resolve_device("cuda", environ={})


def test_seeding_makes_torch_deterministic():
    import torch

    seed_everything(3)
    a = torch.randn(4)
    seed_everything(3)
    assert torch.equal(a, torch.randn(4))
    with pytest.raises(TypeError):
        seed_everything(1.5)


def test_setup_prints_and_returns(capsys, monkeypatch):
    monkeypatch.delenv("MINIREPRO_SCALE", raising=False)
    assert setup("smoke", "cpu", 0) == ("smoke", "cpu")
    assert "SCALE=smoke" in capsys.readouterr().out
