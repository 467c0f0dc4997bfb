"""One GPU lookup (whole model names, datasheet peaks, unknown means unknown) and the precision a run picks.

No GPU is needed: the device's name and compute capability are mocked, as torch reports them on each GPU.
"""

import importlib.util
from pathlib import Path

import pytest
import torch

from minirepro import facts, gpus
from minirepro.measure import Throughput
from minirepro.model import GPTConfig
from minirepro.train import TrainConfig, train

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_precision_from_the_environment(monkeypatch):
    monkeypatch.delenv("MINIREPRO_PRECISION", raising=False)


# torch.cuda.get_device_name as it reads on each GPU -> the facts.GPUS key it must map to
NAMES = {
    "Tesla T4": "T4",
    "NVIDIA L4": "L4",
    "NVIDIA L40S": "L40S",
    "NVIDIA L40": "L40",
    "NVIDIA A10G": "A10G",
    "NVIDIA A10": "A10",
    "NVIDIA A40": "A40",
    "NVIDIA A100-SXM4-80GB": "A100",
    "NVIDIA A100-SXM4-40GB": "A100",
    "NVIDIA A100-PCIE-40GB": "A100 PCIe",
    "NVIDIA A100 80GB PCIe": "A100 PCIe",
    "NVIDIA H100 80GB HBM3": "H100",
    "NVIDIA H100 PCIe": "H100 PCIe",
    "NVIDIA H100 NVL": "H100 NVL",
    "NVIDIA H200": "H200",
    "NVIDIA H200 NVL": "H200 NVL",
    "Tesla V100-SXM2-16GB": "V100",
    "Tesla V100-SXM2-32GB": "V100",
    "Tesla V100-PCIE-16GB": "V100 PCIe",
}
UNKNOWN = [
    "NVIDIA GeForce RTX 4090",
    "NVIDIA RTX A6000",
    "Tesla P100-PCIE-16GB",
    "NVIDIA GH200 480GB",
    "NVIDIA A100-SXM4-40GB MIG 3g.20gb",
    "NVIDIA H100 80GB HBM3 MIG 1g.10gb",
    "Tesla V100S-PCIE-32GB",
    "",
]


@pytest.mark.parametrize("name, key", NAMES.items())
def test_every_device_name_maps_to_its_own_entry(name, key):
    assert gpus.gpu_key(name) == key
    assert gpus.gpu_entry(name) is facts.GPUS[key]


def test_whole_model_names_only():
    assert gpus.gpu_key("NVIDIA L40S") != "L4" and gpus.gpu_peak("NVIDIA L40S", "bf16") == 362e12
    assert gpus.gpu_peak("NVIDIA L4", "bf16") == 121e12
    assert gpus.gpu_key("NVIDIA A10G") == "A10G" and gpus.gpu_peak("NVIDIA A10G") is None  # no datasheet, not the A10's
    assert gpus.gpu_peak("NVIDIA A10", "bf16") == 125e12


def test_h100_form_factors_differ_and_the_name_picks_one():
    assert gpus.gpu_peak("NVIDIA H100 80GB HBM3", "bf16") == 989e12  # SXM
    assert gpus.gpu_peak("NVIDIA H100 PCIe", "bf16") == 756e12
    assert gpus.gpu_peak("NVIDIA H100 NVL", "bf16") == 835e12
    assert gpus.gpu_peak("NVIDIA H200", "bf16") == 989e12
    assert "SXM" in gpus.describe_peak("NVIDIA H100 80GB HBM3") and "PCIe" in gpus.describe_peak("NVIDIA H100 PCIe")
    # the A100's 40GB and 80GB, SXM4 and PCIe, share one peak
    assert {gpus.gpu_peak(n, "bf16") for n in NAMES if "A100" in n} == {312e12}


@pytest.mark.parametrize("name", UNKNOWN)
def test_an_unknown_gpu_has_no_peak_and_says_so(name):
    assert gpus.gpu_key(name) is None and gpus.gpu_peak(name, "fp16") is None and gpus.gpu_peak(name, "fp32") is None
    assert gpus.format_mfu(None, name) == f"unknown: {name} is not in the table"


def test_peaks_by_dtype():
    assert gpus.gpu_peak("Tesla T4", "fp16") == 65e12
    assert gpus.gpu_peak("Tesla T4", "bf16") is None  # a T4 has no bf16
    assert gpus.gpu_peak("Tesla T4", torch.float16) == 65e12
    assert gpus.gpu_peak("NVIDIA A100-SXM4-80GB", "fp32") == 19.5e12
    assert gpus.gpu_peak("NVIDIA A100-SXM4-80GB", torch.bfloat16) == 312e12
    assert "unknown: no bf16 peak" in gpus.describe_peak("Tesla T4", "bf16")
    with pytest.raises(ValueError, match="dtype"):
        gpus.gpu_peak("Tesla T4", "int8")


# ---------------------------------------------------------------------------------------------------------
# Mocked devices: (name, compute capability, what torch.cuda.is_bf16_supported() says there, what auto picks)
# is_bf16_supported() says True on a T4: by default it counts emulated bf16. The engine must not trust it.
# ---------------------------------------------------------------------------------------------------------

DEVICES = {
    "T4": ("Tesla T4", (7, 5), True, "fp16"),
    "V100": ("Tesla V100-SXM2-16GB", (7, 0), False, "fp16"),
    "A100": ("NVIDIA A100-SXM4-80GB", (8, 0), True, "bf16"),
    "H100": ("NVIDIA H100 80GB HBM3", (9, 0), True, "bf16"),
}


def mock_gpu(monkeypatch, name, capability, bf16_supported=True):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda *a, **k: name)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda *a, **k: capability)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: bf16_supported)


@pytest.mark.parametrize("gpu", DEVICES)
def test_auto_precision_on_each_mocked_gpu(monkeypatch, gpu):
    name, capability, bf16_supported, expected = DEVICES[gpu]
    mock_gpu(monkeypatch, name, capability, bf16_supported)
    precision, reason = gpus.resolve_precision("auto", "cuda")
    assert precision == expected
    assert name in reason and ("with dynamic loss scaling" in reason) == (expected == "fp16")
    assert gpus.has_native_bf16("cuda") == (expected == "bf16")
    assert gpus.device_peak("cuda", precision) == facts.GPUS[gpu].peak_flops  # MFU against the right peak


def test_auto_precision_on_a_cpu_is_fp32():
    assert gpus.resolve_precision("auto", "cpu")[0] == "fp32"
    assert gpus.resolve_precision("bf16", "cpu")[0] == "bf16"  # asked for: emulated, allowed
    assert gpus.device_peak("cpu", "fp32") is None


@pytest.mark.parametrize("gpu", ["T4", "V100"])
def test_bf16_on_a_gpu_without_it_is_a_clear_error_from_the_engine(monkeypatch, gpu):
    name, capability, bf16_supported, _ = DEVICES[gpu]
    mock_gpu(monkeypatch, name, capability, bf16_supported)
    cfg = TrainConfig(
        model=GPTConfig(n_layer=1, n_head=1, d_model=8, n_ctx=8),
        steps=2,
        warmup_steps=0,
        precision="bf16",
        device="cuda",
        progress=False,
    )
    with pytest.raises(ValueError, match=f"{name}.*no native bfloat16.*precision='fp16'"):
        train(cfg, torch.arange(100) % 256)


def test_fp32_peak_only_while_matmuls_stay_fp32(monkeypatch):
    mock_gpu(monkeypatch, "NVIDIA A100-SXM4-80GB", (8, 0))
    assert gpus.device_peak("cuda", "fp32") == 19.5e12
    monkeypatch.setattr(torch, "get_float32_matmul_precision", lambda: "high")  # TF32 on: no peak in the table
    assert gpus.device_peak("cuda", "fp32") is None


# ---------------------------------------------------------------------------------------------------------
# MFU on a GPU the table does not hold: reported as unknown by the engine's line, measure and the benchmark
# ---------------------------------------------------------------------------------------------------------


def test_mfu_on_an_unknown_gpu_is_reported_unknown(monkeypatch, capsys):
    name = "NVIDIA GeForce RTX 4090"
    mock_gpu(monkeypatch, name, (8, 9))
    assert gpus.device_peak("cuda", "bf16") is None
    tp = Throughput(1e5, 1e6, 1e11, 10**6, 0.1, "cuda", "bf16", gpus.device_peak("cuda", "bf16"))
    assert tp.mfu is None and tp.mfu_text() == f"unknown: {name} is not in the table"
    spec = importlib.util.spec_from_file_location("engine_speed", ROOT / "benchmarks" / "engine_speed.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.mfu_column("cuda", "bf16", 1e5, 1e6) == f"unknown: {name} is not in the table"
    assert bench.mfu_column("cpu", "fp32", 1e5, 1e6) is None  # no MFU column on a CPU
    from minirepro import train as engine

    monkeypatch.setattr(engine, "_ANNOUNCED", set())
    engine._announce("auto", "bf16", "reason", "cuda", None)
    engine._announce("auto", "bf16", "reason", "cuda", None)  # once per process and device
    out = capsys.readouterr().out
    assert out.count("precision 'auto' -> bf16") == 1 and f"MFU unknown: {name} is not in the table" in out


def test_mfu_on_a_known_gpu(monkeypatch):
    mock_gpu(monkeypatch, "NVIDIA L40S", (8, 9))
    tp = Throughput(1e5, 1e6, 1e11, 10**6, 0.1, "cuda", "bf16", gpus.device_peak("cuda", "bf16"))
    assert tp.mfu == pytest.approx(1e11 / 362e12) and tp.mfu_text() == f"{1e11 / 362e12:.1%}"


def test_auto_defers_to_minirepro_precision_as_scale_and_device_do(monkeypatch):
    assert gpus.resolve_precision("auto", "cpu", environ={"MINIREPRO_PRECISION": "fp16"}) == (
        "fp16",
        "MINIREPRO_PRECISION=fp16",
    )
    assert gpus.resolve_precision("fp32", "cpu", environ={"MINIREPRO_PRECISION": "fp16"})[0] == "fp32"  # explicit wins
    assert gpus.resolve_precision("auto", "cpu", environ={"MINIREPRO_PRECISION": "auto"})[0] == "fp32"
    with pytest.raises(ValueError, match="MINIREPRO_PRECISION"):
        gpus.resolve_precision("auto", "cpu", environ={"MINIREPRO_PRECISION": "fp8"})
    mock_gpu(monkeypatch, "Tesla T4", (7, 5))
    with pytest.raises(ValueError, match="no native bfloat16"):
        gpus.resolve_precision("auto", "cuda", environ={"MINIREPRO_PRECISION": "bf16"})
