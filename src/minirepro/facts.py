"""Published figures the course computes against, each with its source.

Everything here is data copied from a paper or a datasheet, never a result the course derives:
lectures print their own computation next to these numbers, and hidden tests check students
against them. ``SOURCES`` gives the citation of each figure or group of figures (``LLAMA3`` for the
interruption counts, ``OPT_175B_HARDWARE`` for OPT's cluster), in one place a reader can scan.
"""

from __future__ import annotations

from dataclasses import dataclass

# --------------------------------------------------------------------------------------------
# GPT-3 (Brown et al. 2020, "Language Models are Few-Shot Learners")
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GPT3Size:
    name: str
    params: float  # as published, in parameters
    n_layer: int
    d_model: int
    n_heads: int
    d_head: int
    batch_tokens: float
    lr: float
    d_model_printed: int | None = None  # Table 2.1's d_model where it is not the one used (13B only)


#: Table 2.1. All sizes: 300B training tokens, n_ctx = 2048, d_ff = 4 * d_model, vocabulary 50257.
#: The 13B row prints d_model = 5140, but its 40 heads x 128 = 5120, and 5120 is the width that reproduces
#: Table D.1's 12,850M parameters (12L d^2 + embeddings: 5120 gives +0.03%, 5140 gives +0.8%). So d_model is
#: 5120 here and ``d_model_printed`` keeps the printed 5140 (``budget.param_count`` refuses 5140 with 40 x 128).
#: XL prints 24 heads x 128 = 3072 with d_model 2048; its d_model is the column that fits, so it stays as printed.
GPT3_SIZES = (
    GPT3Size("Small", 125e6, 12, 768, 12, 64, 0.5e6, 6.0e-4),
    GPT3Size("Medium", 350e6, 24, 1024, 16, 64, 0.5e6, 3.0e-4),
    GPT3Size("Large", 760e6, 24, 1536, 16, 96, 0.5e6, 2.5e-4),
    GPT3Size("XL", 1.3e9, 24, 2048, 24, 128, 1e6, 2.0e-4),
    GPT3Size("2.7B", 2.7e9, 32, 2560, 32, 80, 1e6, 1.6e-4),
    GPT3Size("6.7B", 6.7e9, 32, 4096, 32, 128, 2e6, 1.2e-4),
    GPT3Size("13B", 13.0e9, 40, 5120, 40, 128, 2e6, 1.0e-4, d_model_printed=5140),
    GPT3Size("175B", 175.0e9, 96, 12288, 96, 128, 3.2e6, 0.6e-4),
)
GPT3_N_CTX = 2048
GPT3_VOCAB = 50257  # the GPT-2 byte-level BPE vocabulary GPT-3 reuses (Radford et al. 2019)
GPT3_TOKENS = 300e9
#: App. D, Table D.1: 175B training compute, from 174,600M params x 300B tokens x 6.
GPT3_175B_PARAMS_EXACT = 174_600e6
GPT3_175B_TRAIN_FLOPS = 3.14e23
GPT3_175B_PF_DAYS = 3.64e3
PF_DAY_FLOPS = 1e15 * 24 * 3600  # = 8.64e19 FLOPs, as defined in App. D
#: App. D, Table D.1: GPT-3 13B's exact parameter count and training compute (12,850M x 300B x 6 = 2.31e22).
GPT3_13B_PARAMS_EXACT = 12_850e6
GPT3_13B_TRAIN_FLOPS = 2.31e22
#: App. B: the optimisation settings, the same for every size (the peak learning rate and batch are in GPT3_SIZES).
GPT3_ADAM_BETAS = (0.9, 0.95)
GPT3_ADAM_EPS = 1e-8
GPT3_GRAD_CLIP = 1.0  # global norm
GPT3_WEIGHT_DECAY = 0.1
GPT3_LR_DECAY_TOKENS = 260e9  # cosine decay to 10% of the peak over the first 260B tokens, then 10%
GPT3_LR_FINAL_RATIO = 0.1
GPT3_WARMUP_TOKENS = 375e6  # linear learning-rate warmup
GPT3_BATCH_RAMP_START_TOKENS = 32e3  # "a small value (32k tokens)" ...
GPT3_BATCH_RAMP_TOKENS = (4e9, 12e9)  # ... linearly to the full batch over the first 4-12B tokens, by model size

# --------------------------------------------------------------------------------------------
# Hardware: dense (no sparsity) peak throughput of the tensor cores, from NVIDIA's datasheets
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GPU:
    name: str
    peak_flops: float | None  # dense 16-bit tensor-core FLOP/s; None where NVIDIA publishes no figure
    dtype: str  # the 16-bit type that peak is for
    memory_gb: float
    bf16: bool  # whether the GPU supports bfloat16 natively (compute capability >= 8.0)
    source: str
    fp32_flops: float | None = None  # plain fp32 (non-tensor) FLOP/s, what a PyTorch fp32 matmul runs at by default


#: Keyed by the model as ``torch.cuda.get_device_name`` spells it, plus " PCIe" or " NVL" where that form factor
#: has a different peak; ``minirepro.gpus`` maps a whole device name to a key. NVIDIA's datasheets print 16-bit
#: tensor peaks "with sparsity" for Ampere and later; the dense peak is half of it (rounded down where it ends in .5).
GPUS = {
    "V100": GPU(
        "V100 SXM2",
        125e12,
        "fp16",
        32,
        False,
        "NVIDIA Tesla V100 datasheet: 125 TFLOPS tensor (fp16), 15.7 TFLOPS fp32 (SXM2)",
        15.7e12,
    ),
    "V100 PCIe": GPU(
        "V100 PCIe",
        112e12,
        "fp16",
        32,
        False,
        "NVIDIA Tesla V100 datasheet: 112 TFLOPS tensor (fp16), 14 TFLOPS fp32 (PCIe)",
        14e12,
    ),
    "T4": GPU(
        "T4", 65e12, "fp16", 16, False, "NVIDIA T4 datasheet: 65 TFLOPS mixed precision (fp16), 8.1 TFLOPS fp32", 8.1e12
    ),
    "A100": GPU(
        "A100 SXM",
        312e12,
        "bf16",
        80,
        True,
        (
            "NVIDIA A100 datasheet: 312 TFLOPS bf16/fp16 tensor, dense (624 with sparsity), 19.5 TFLOPS fp32; 40GB "
            "and 80GB alike"
        ),
        19.5e12,
    ),
    "A100 PCIe": GPU(
        "A100 PCIe",
        312e12,
        "bf16",
        80,
        True,
        (
            "NVIDIA A100 datasheet: the PCIe card's peak equals the SXM4's, 312 TFLOPS bf16/fp16 tensor dense, 19.5 "
            "TFLOPS fp32"
        ),
        19.5e12,
    ),
    "A10": GPU(
        "A10",
        125e12,
        "bf16",
        24,
        True,
        "NVIDIA A10 datasheet: 250 TFLOPS bf16 tensor with sparsity, so 125 dense; 31.2 TFLOPS fp32",
        31.2e12,
    ),
    "A10G": GPU(
        "A10G",
        None,
        "bf16",
        24,
        True,
        (
            "NVIDIA publishes no A10G datasheet (an AWS-only A10 variant); third-party tensor peaks disagree, so "
            "none is given"
        ),
    ),
    "A40": GPU(
        "A40",
        149.7e12,
        "bf16",
        48,
        True,
        "NVIDIA A40 datasheet: 149.7 TFLOPS bf16 tensor dense (299.4 with sparsity), 37.4 TFLOPS fp32",
        37.4e12,
    ),
    "L4": GPU(
        "L4",
        121e12,
        "bf16",
        24,
        True,
        "NVIDIA L4 datasheet: 242 TFLOPS bf16 with sparsity, so 121 dense; 30.3 TFLOPS fp32",
        30.3e12,
    ),
    "L40": GPU(
        "L40",
        181e12,
        "bf16",
        48,
        True,
        "NVIDIA L40 datasheet: 181.05 TFLOPS bf16 tensor dense (362.1 with sparsity), 90.5 TFLOPS fp32",
        90.5e12,
    ),
    "L40S": GPU(
        "L40S",
        362e12,
        "bf16",
        48,
        True,
        "NVIDIA L40S datasheet: 362.05 TFLOPS bf16 tensor dense (733 with sparsity), 91.6 TFLOPS fp32",
        91.6e12,
    ),
    "H100": GPU(
        "H100 SXM",
        989e12,
        "bf16",
        80,
        True,
        "NVIDIA H100 datasheet: 1,979 TFLOPS bf16 with sparsity, so 989 dense (SXM); 67 TFLOPS fp32",
        67e12,
    ),
    "H100 PCIe": GPU(
        "H100 PCIe",
        756e12,
        "bf16",
        80,
        True,
        "NVIDIA H100 datasheet: 1,513 TFLOPS bf16 with sparsity, so 756 dense (PCIe); 51 TFLOPS fp32",
        51e12,
    ),
    "H100 NVL": GPU(
        "H100 NVL",
        835e12,
        "bf16",
        94,
        True,
        "NVIDIA H100 datasheet: 1,671 TFLOPS bf16 with sparsity, so 835 dense (NVL); 60 TFLOPS fp32",
        60e12,
    ),
    "H200": GPU(
        "H200 SXM",
        989e12,
        "bf16",
        141,
        True,
        "NVIDIA H200 datasheet: 1,979 TFLOPS bf16 with sparsity, so 989 dense (SXM); 67 TFLOPS fp32",
        67e12,
    ),
    "H200 NVL": GPU(
        "H200 NVL",
        835e12,
        "bf16",
        141,
        True,
        "NVIDIA H200 datasheet: 1,671 TFLOPS bf16 with sparsity, so 835 dense (NVL); 60 TFLOPS fp32",
        60e12,
    ),
}

# --------------------------------------------------------------------------------------------
# Models in the reproduction story: parameters, training tokens, when, who, weights public?
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    name: str
    org: str
    date: str  # year-month of the paper; for open-weights models, of the public weight release
    params: float
    tokens: float
    open_weights: bool
    source: str


MODELS = (
    Model("GPT-3", "OpenAI", "2020-05", 175e9, 300e9, False, "Brown et al. 2020, Table 2.1 and App. D"),
    Model(
        "Jurassic-1",
        "AI21 Labs",
        "2021-08",
        178e9,
        300e9,
        False,
        (
            "Lieber et al. 2021, Jurassic-1 technical white paper (J1-Jumbo: 178B params, 300B tokens); the same in "
            "Hoffmann et al. 2022, Table 1"
        ),
    ),
    Model(
        "GPT-J",
        "EleutherAI",
        "2021-06",
        6.05e9,
        402e9,
        True,
        "Wang & Komatsuzaki 2021, GPT-J-6B model card (402B tokens)",
    ),
    Model(
        "Gopher",
        "DeepMind",
        "2021-12",
        280e9,
        300e9,
        False,
        "Rae et al. 2021: 300B training tokens (§3); architecture in Table 1",
    ),
    Model(
        "MT-NLG",
        "MSFT/NVIDIA",
        "2022-01",
        530e9,
        270e9,
        False,
        (
            "Smith et al. 2022, Megatron-Turing NLG 530B (arXiv 2201.11990): 530B params, 270B tokens; the same in "
            "Hoffmann et al. 2022, Table 1"
        ),
    ),
    Model("Chinchilla", "DeepMind", "2022-03", 70e9, 1.4e12, False, "Hoffmann et al. 2022, Table 1 and §4.1"),
    Model(
        "GPT-NeoX-20B",
        "EleutherAI",
        "2022-04",
        20.6e9,
        472e9,
        True,
        "Black et al. 2022, §3 (150k steps x 3.15M tokens)",
    ),
    Model("PaLM", "Google", "2022-04", 540e9, 780e9, False, "Chowdhery et al. 2022, §3 (780B tokens)"),
    Model(
        "OPT-175B",
        "Meta",
        "2022-05",
        175e9,
        180e9,
        True,
        (
            "Zhang et al. 2022, §2.3: a corpus of roughly 180B tokens; the LR schedule of §2.2 spans 300B, so it may "
            "have seen more"
        ),
    ),
    Model(
        "GLM-130B",
        "Tsinghua",
        "2022-08",
        130e9,
        400e9,
        True,
        "Zeng et al. 2022, §2.3 (400B tokens); weights released August 2022, paper October 2022",
    ),
    Model(
        "BLOOM",
        "BigScience",
        "2022-07",
        176e9,
        366e9,
        True,
        "BigScience 2022, §3.5 (366B tokens); weights released July 2022, paper November 2022",
    ),
    Model("LLaMA-7B", "Meta", "2023-02", 6.7e9, 1.0e12, True, "Touvron et al. 2023, Table 2"),
    Model("LLaMA-65B", "Meta", "2023-02", 65.2e9, 1.4e12, True, "Touvron et al. 2023, Table 2"),
    Model(
        "Falcon-40B",
        "TII",
        "2023-05",
        40e9,
        1.0e12,
        True,
        "TII, Falcon-40B model card (May 2023): 1,000B tokens of RefinedWeb; Almazrouei et al. 2023",
    ),
)

# --------------------------------------------------------------------------------------------
# Scaling laws
# --------------------------------------------------------------------------------------------

#: Hoffmann et al. 2022 (Chinchilla), Approach 3: L(N, D) = E + A / N**alpha + B / D**beta, as printed (rounded).
CHINCHILLA_FIT = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}
#: The same fit before rounding (E 1.6934, alpha 0.3392, beta 0.2849, as quoted by Besiroglu et al. 2024, §2): the
#: one to use for allocations. The rounded exponents move the compute-optimal N at Gopher's 5.76e23 FLOPs from ~40B
#: (the paper's own Approach 3 figure) to ~32B: a two-digit rounding is a 20% error in the answer.
CHINCHILLA_FIT_UNROUNDED = {"E": 1.6934, "A": 406.4, "B": 410.7, "alpha": 0.3392, "beta": 0.2849}
#: Besiroglu et al. 2024 (Epoch AI), "Chinchilla Scaling: A replication attempt".
EPOCH_FIT = {"E": 1.8172, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}
CHINCHILLA_PARAMS = 70e9
CHINCHILLA_TOKENS = 1.4e12
#: Hoffmann et al. 2022: Gopher's training compute, the budget at which the paper projects each approach's optimum.
GOPHER_TRAIN_FLOPS = 5.76e23
#: Hoffmann et al. 2022, Figure 4 (Approach 3): "We project the optimal model size given the Gopher budget to be 40B
#: parameters". CHINCHILLA_FIT_UNROUNDED reproduces it (40.3B); the rounded CHINCHILLA_FIT gives 32.2B.
CHINCHILLA_APPROACH3_N_AT_GOPHER = 40e9

# --------------------------------------------------------------------------------------------
# Failures at scale
# --------------------------------------------------------------------------------------------

#: Dubey et al. 2024 (Llama 3), §3.3.4: the interruptions of a 54-day snapshot of pre-training (counts in Table 5)
#: on what §3.3.4 calls "16K GPUs" (H100s); the course reads 16K as 16 x 1024 = 16,384.
LLAMA3_UNEXPECTED_INTERRUPTIONS = 419
LLAMA3_TOTAL_INTERRUPTIONS = 466
LLAMA3_DAYS = 54
LLAMA3_GPUS = 16_384

# --------------------------------------------------------------------------------------------
# Model FLOPs utilisation, as published (PaLM, Chowdhery et al. 2022, Table 3)
# --------------------------------------------------------------------------------------------

#: Zhang et al. 2022 (OPT), §2.4: OPT-175B trained on 992 80GB A100s, in fp16 with dynamic loss scaling,
#: although A100s support bf16 (GPT-3's V100s and Colab's T4 do not).
OPT_175B_GPUS = 992
OPT_175B_GPU = "A100"
OPT_175B_PRECISION = "fp16"

PUBLISHED_MFU = {"GPT-3": 0.213, "Gopher": 0.325, "MT-NLG": 0.302, "PaLM": 0.462}
#: Patterson et al. 2021 ("Carbon Emissions and Large Neural Network Training"), GPT-3's row: 10,000 V100 GPUs for
#: 14.8 days, i.e. 148,000 V100-days; at the V100's 125 TFLOP/s peak that implies ~19.6% utilisation of 3.14e23 FLOPs.
GPT3_PATTERSON_V100S = 10_000
GPT3_PATTERSON_DAYS = 14.8

SOURCES = {
    "GPT3_SIZES": "Brown et al. 2020, Table 2.1",
    "GPT3_175B_TRAIN_FLOPS": "Brown et al. 2020, App. D, Table D.1",
    "GPT3_OPTIMISATION": "Brown et al. 2020, App. B (and §2.3)",
    "GPT3_13B": (
        "Brown et al. 2020, App. D, Table D.1 (13B: 12,850M params, 2.31e22 FLOPs); Table 2.1 prints d_model 5140"
    ),
    "GPUS": (
        "NVIDIA datasheets (V100, T4, A10, A40, A100, L4, L40, L40S, H100, H200); dense tensor-core peaks, and fp32"
    ),
    "MODELS": "each model's paper or model card, as named in Model.source",
    "CHINCHILLA_FIT": "Hoffmann et al. 2022, Approach 3 (§3.3; App. D.2, Eq. 10), rounded as printed",
    "CHINCHILLA_FIT_UNROUNDED": "Hoffmann et al. 2022's Approach 3 before rounding, as quoted by Besiroglu et al. 2024",
    "EPOCH_FIT": "Besiroglu et al. 2024",
    "GOPHER_TRAIN_FLOPS": (
        "Hoffmann et al. 2022, §3 (Gopher's budget, 5.76e23 FLOPs, in the projections of Figures 1-4)"
    ),
    "CHINCHILLA_APPROACH3_N_AT_GOPHER": (
        "Hoffmann et al. 2022, Figure 4 caption: Approach 3's optimal model at Gopher's budget is 40B parameters"
    ),
    "PATTERSON": (
        "Patterson et al. 2021, Carbon Emissions and Large Neural Network Training (arXiv:2104.10350), "
        "GPT-3: 10,000 V100s, 14.8 days"
    ),
    "LLAMA3": 'Dubey et al. 2024, §3.3.4 ("16K GPUs"; 54-day snapshot) and Table 5 (interruption counts)',
    "OPT_175B_HARDWARE": "Zhang et al. 2022, §2.4: 992 80GB A100 GPUs, fp16 with dynamic loss scaling",
    "PUBLISHED_MFU": "Chowdhery et al. 2022 (PaLM), Table 3",
    "ZERO": "Rajbhandari et al. 2020 (ZeRO), §3.1 and Figure 1: 16 bytes/param for mixed-precision Adam",
}
