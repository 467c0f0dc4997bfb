"""The mini-run engine: one readable training loop, one call, a plain config.

    from minirepro.train import TrainConfig, train
    run = train(TrainConfig(steps=200), tokens)      # tokens: a 1-D LongTensor of byte ids
    run.log.plot()

What it does, step by step (GPT-3 App. B and PaLM §5 for the recipe):

- the batch at step ``i`` is a pure function of ``(data_seed, i + data_offset)``
  (``minirepro.data.get_batch``), so a run can be resumed, rolled back and made to skip batches exactly;
- linear warmup then cosine decay to ``min_lr_ratio`` of the peak; optional batch-size and
  sequence-length warmup;
- AdamW with decoupled weight decay on matrices only; global-norm gradient clipping;
- precision ``fp32``, ``fp16`` (autocast with dynamic loss scaling) or ``bf16`` (autocast), CPU or CUDA;
  ``auto`` (the default) picks bf16 on a GPU that has it, fp16 on one that does not (Colab's T4, a V100) and
  fp32 on a CPU, logs the choice as a ``precision`` event and prints it once (``minirepro.gpus.resolve_precision``);
- per-step metrics: loss, gradient norm, learning rate, loss scale, tokens/s and, on a GPU, MFU; every
  ``probe_every`` steps also the largest attention logit, the output log Z and the relative update size,
  read by a separate no-grad forward, so that a probed run ends with the same weights as an unprobed one;
- full-state checkpoints (model, optimizer, scaler, step, data offset, RNG, log) and bit-exact resume;
- a spike policy (PaLM: restart ~100 steps before the spike and skip 200-500 batches) with every
  decision logged, and fault injection: a bad batch, a killed run.
"""

from __future__ import annotations

import contextlib
import copy
import math
import time
from dataclasses import asdict, dataclass, field

import torch

from .config import resolve_device
from .data import get_batch
from .evaluate import mean_loss
from .gpus import device_name, device_peak, format_mfu, resolve_precision
from .model import GPT, GPTConfig

PRECISIONS = ("auto", "fp32", "fp16", "bf16")


class SimulatedFailure(RuntimeError):
    """Raised by ``TrainConfig.kill_at``: the run dies as a node failure would kill it."""


@dataclass
class SpikePolicy:
    """Detect a loss spike; roll back and skip batches, as PaLM did (Chowdhery et al. 2022, §5.1).

    A step is a spike when its loss is not finite, or exceeds ``factor`` times the mean of the last
    ``window`` accepted losses, once ``min_step`` steps have passed (never during warmup, when the
    loss is supposed to move fast). On a spike the run restores the newest in-memory checkpoint at
    least ``rollback`` steps before the spike (or the oldest kept), and skips ``skip`` batches of
    the data stream from there; if the restored checkpoint is further back than ``skip`` steps, the
    skip is widened so that no batch seen before or during the spike is replayed (PaLM: the skipped
    batches "cover the batches that were seen before and during the spike").
    """

    factor: float = 1.5
    window: int = 20
    min_step: int | None = None  # default: the end of the LR warmup
    rollback: int = 100
    skip: int = 200
    max_rollbacks: int = 5

    def __post_init__(self):
        if self.factor <= 1 or self.window < 1 or self.rollback < 0 or self.skip < 1 or self.max_rollbacks < 0:
            raise ValueError("SpikePolicy needs factor > 1, window >= 1, rollback >= 0, skip >= 1, max_rollbacks >= 0")


@dataclass
class TrainConfig:
    model: GPTConfig = field(default_factory=GPTConfig)
    steps: int = 200
    batch_size: int = 16
    seq_len: int | None = None  # default: model.n_ctx
    lr: float = 1e-3
    min_lr_ratio: float = 0.1
    warmup_steps: int = 20
    batch_warmup_steps: int = 0  # ramp the batch size from batch_warmup_start to batch_size
    batch_warmup_start: int = 1
    seq_warmup_steps: int = 0  # ramp the sequence length from seq_warmup_start to seq_len
    seq_warmup_start: int = 16
    weight_decay: float = 0.1
    betas: tuple[float, float] = (0.9, 0.95)
    eps: float = 1e-8
    grad_clip: float | None = 1.0
    precision: str = "auto"  # bf16 on a GPU with bf16, fp16 on one without (T4, V100), fp32 on a CPU
    device: str = "auto"
    loss_scale_init: float = 2.0**16  # fp16 only: the dynamic loss scale's start (PyTorch's default)
    loss_scale_growth_interval: int = 2000  # fp16 only: double the scale after this many steps without overflow
    seed: int = 0  # model initialisation
    data_seed: int = 0  # the batch at step i is get_batch(..., seed=data_seed, step=i + offset)
    eval_every: int = 0  # 0: never
    eval_batches: int = 4
    probe_every: int = 10  # 0: never
    checkpoint_every: int = 0  # in-memory checkpoints for rollback (and to disk with checkpoint_path)
    keep_checkpoints: int = 8
    spike_policy: SpikePolicy | None = None
    bad_batches: tuple[int, ...] = ()  # fault injection: these data indices (step + offset) are random bytes
    kill_at: int | None = None  # fault injection: raise SimulatedFailure at the start of this step
    progress: bool = True

    def __post_init__(self):
        if isinstance(self.model, dict):
            self.model = GPTConfig(**self.model)
        if isinstance(self.spike_policy, dict):
            self.spike_policy = SpikePolicy(**self.spike_policy)
        self.betas = tuple(self.betas)
        self.bad_batches = tuple(self.bad_batches)
        if self.seq_len is None:
            self.seq_len = self.model.n_ctx
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}; got {self.precision!r}")
        if self.seq_len > self.model.n_ctx:
            raise ValueError(
                f"seq_len={self.seq_len} does not fit the model's context n_ctx={self.model.n_ctx}: "
                "lower seq_len or raise model.n_ctx"
            )
        for name in ("steps", "batch_size", "seq_len"):
            if getattr(self, name) < 1:
                raise ValueError(f"TrainConfig.{name} must be >= 1; got {getattr(self, name)!r}")
        if not 0 <= self.warmup_steps <= self.steps:
            raise ValueError(f"warmup_steps must be in [0, steps={self.steps}]; got {self.warmup_steps}")
        if self.lr <= 0 or not 0 <= self.min_lr_ratio <= 1:
            raise ValueError("lr must be > 0 and min_lr_ratio in [0, 1]")
        if self.grad_clip is not None and self.grad_clip <= 0:
            raise ValueError(f"grad_clip must be > 0 or None; got {self.grad_clip}")
        if self.spike_policy is not None and self.checkpoint_every < 1:
            raise ValueError("a spike_policy needs checkpoint_every >= 1: rollback restores a checkpoint")
        if not self.loss_scale_init > 0 or self.loss_scale_growth_interval < 1:
            raise ValueError("loss_scale_init must be > 0 and loss_scale_growth_interval >= 1")


def lr_at(cfg: TrainConfig, step: int) -> float:
    """Linear warmup to cfg.lr, then cosine decay to cfg.min_lr_ratio * cfg.lr at the last step."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    span = max(1, cfg.steps - cfg.warmup_steps)
    progress = min(1.0, (step - cfg.warmup_steps) / span)
    return cfg.lr * (cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def _ramp(start: int, end: int, steps: int, step: int, multiple: int = 1) -> int:
    if steps <= 0 or step >= steps:
        return end
    value = start + (end - start) * step / steps
    return max(min(start, end), min(end, int(value) // multiple * multiple or multiple))


def batch_shape_at(cfg: TrainConfig, step: int) -> tuple[int, int]:
    """(batch size, sequence length) at a step, with batch-size and sequence-length warmup."""
    bs = _ramp(cfg.batch_warmup_start, cfg.batch_size, cfg.batch_warmup_steps, step)
    sl = _ramp(min(cfg.seq_warmup_start, cfg.seq_len), cfg.seq_len, cfg.seq_warmup_steps, step, multiple=8)
    return bs, sl


class RunLog:
    """Per-step metrics and the decisions the run took; plots itself."""

    def __init__(self, history=None, events=None):
        self.history: list[dict] = history or []
        self.events: list[dict] = events or []

    def column(self, key, abandoned: bool = False):
        """(step, value) pairs of one metric; steps undone by a rollback only with ``abandoned=True``."""
        return [
            (h["step"], h[key])
            for h in self.history
            if h.get(key) is not None and bool(h.get("abandoned")) == abandoned
        ]

    @property
    def losses(self) -> list[float]:
        """The loss of every step the run kept, in order (steps undone by a rollback left out)."""
        return [h["loss"] for h in self.history if not h.get("abandoned")]

    def event(self, step: int, kind: str, **info):
        self.events.append({"step": step, "kind": kind, **info})

    def plot(self, floor: float | None = None, keys=("loss", "grad_norm", "max_attn_logit"), title: str = ""):
        """Loss curve with spikes, rollbacks and injected faults marked, beside the other metrics."""
        import matplotlib.pyplot as plt

        keys = [k for k in keys if self.column(k)]
        fig, axes = plt.subplots(1, len(keys), figsize=(5 * len(keys), 3.6), squeeze=False)
        for ax, key in zip(axes[0], keys):
            xs, ys = zip(*self.column(key))
            ax.plot(xs, ys, lw=1, label=key)
            undone = self.column(key, abandoned=True)
            if undone:
                ax.plot(*zip(*undone), ".", ms=2, color="0.6", label="undone by rollback")
            if key == "loss":
                val = self.column("val_loss")
                if val:
                    ax.plot(*zip(*val), "o-", ms=3, lw=1, label="val_loss")
                if floor is not None:
                    ax.axhline(floor, color="k", ls="--", lw=1, label=f"entropy floor {floor:.3f}")
                marks = {"spike": ("rx", "spike detected"), "bad_batch": ("m^", "bad batch injected")}
                loss_at = {}
                for h in self.history:
                    loss_at.setdefault(h["step"], h["loss"])  # the first time a step ran
                for kind, (style, label) in marks.items():
                    pts = [(e["step"], e.get("loss", loss_at.get(e["step"]))) for e in self.events if e["kind"] == kind]
                    if pts:
                        ax.plot(*zip(*pts), style, ms=8, label=label)
                for e in self.events:
                    if e["kind"] == "rollback":
                        ax.axvline(e["to_step"], color="r", ls=":", lw=1)
            if key in ("grad_norm", "max_attn_logit") and min(ys) > 0:
                ax.set_yscale("log")
            ax.set_xlabel("step")
            ax.set_title(key)
            ax.legend(fontsize=8)
        if title:
            fig.suptitle(title)
        fig.tight_layout()
        return fig


@dataclass
class Run:
    config: TrainConfig
    model: GPT
    log: RunLog
    step: int
    data_offset: int
    optimizer: torch.optim.Optimizer = None
    scaler: torch.amp.GradScaler = None
    precision: str | None = None  # what the run computed in (config.precision "auto" resolved on its device)

    @property
    def final_loss(self) -> float:
        return self.log.history[-1]["loss"] if self.log.history else float("nan")

    def state(self) -> dict:
        """Everything needed to continue bit-exactly (see ``save_checkpoint``)."""
        return {
            "config": asdict(self.config),
            "model": copy.deepcopy(self.model.state_dict()),
            "optimizer": copy.deepcopy(self.optimizer.state_dict()),
            "scaler": copy.deepcopy(self.scaler.state_dict()),
            "step": self.step,
            "data_offset": self.data_offset,
            "rng_cpu": torch.get_rng_state(),
            "rng_cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None,
            "log": {"history": copy.deepcopy(self.log.history), "events": copy.deepcopy(self.log.events)},
        }

    def save_checkpoint(self, path) -> None:
        torch.save(self.state(), path)


def weights_hash(model: torch.nn.Module) -> str:
    """SHA-256 of every parameter and buffer, in order: equal hashes mean bit-identical weights."""
    import hashlib

    h = hashlib.sha256()
    for name, tensor in model.state_dict().items():
        h.update(name.encode())
        h.update(tensor.detach().cpu().contiguous().view(torch.uint8).numpy().tobytes())
    return h.hexdigest()


def _make_optimizer(model: GPT, cfg: TrainConfig):
    if model.cfg.mup_base_width is not None:  # μP: per-layer rates (each group's lr_scale), see minirepro.mup
        from . import mup

        return torch.optim.AdamW(
            mup.param_groups(model, cfg.lr, cfg.weight_decay), lr=cfg.lr, betas=cfg.betas, eps=cfg.eps
        )
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=cfg.lr, betas=cfg.betas, eps=cfg.eps)


_ANNOUNCED: set = set()  # (device, precision) choices already printed in this process


def _announce(requested: str, precision: str, reason: str, device: str, peak: float | None) -> None:
    """Print the precision "auto" picked, once per process and device; on a GPU, say whether MFU is known."""
    name = device_name(device)
    if requested != "auto" or (name or device, precision) in _ANNOUNCED:
        return
    _ANNOUNCED.add((name or device, precision))
    mfu = (
        "" if name is None else "; MFU " + ("against the datasheet peak" if peak else format_mfu(None, name, precision))
    )
    print(f"minirepro.train: precision 'auto' -> {precision} ({reason}){mfu}")


def _bad_batch(cfg: TrainConfig, index: int, bs: int, sl: int, device: str):
    g = torch.Generator().manual_seed(cfg.data_seed * 1_000_003 + index)
    x = torch.randint(cfg.model.vocab_size, (bs, sl + 1), generator=g).to(device)
    return x[:, :-1], x[:, 1:]


# ---------------------------------------------------------------------------------------------------------
# The pieces of one iteration, in the order the loop calls them
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _Engine:
    """What the loop needs besides the ``Run``: the data, the device, and how to run a forward pass."""

    cfg: TrainConfig
    tokens: torch.Tensor
    val_tokens: torch.Tensor | None
    device: str
    precision: str
    peak: float | None  # the GPU's datasheet peak FLOP/s in this precision; None: MFU unknown (or a CPU)

    def autocast(self):
        """fp16/bf16: autocast around the forward pass; fp32: no context at all."""
        dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(self.precision)
        if dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.split(":")[0], dtype=dtype)


def get_step_batch(run: Run, eng: _Engine, step: int):
    """The batch of a step: ``(x, y)`` of shape [batch, seq], read from the data stream at ``step + data_offset``."""
    bs, sl = batch_shape_at(eng.cfg, step)
    index = step + run.data_offset  # which batch of the data stream this step reads
    if index in eng.cfg.bad_batches:  # fault injection: random bytes instead of text
        run.log.event(step, "bad_batch", index=index)
        return _bad_batch(eng.cfg, index, bs, sl, eng.device)
    return get_batch(eng.tokens, index, bs, sl, seed=eng.cfg.data_seed)


def train_step(run: Run, eng: _Engine, x, y, lr: float) -> dict:
    """One optimizer step on ``(x, y)``: forward, backward, clip, update. Returns the step's record."""
    model, optimizer, scaler = run.model, run.optimizer, run.scaler
    for group in optimizer.param_groups:  # the schedule's rate, times a group's own scale (μP's hidden layers: 1/m)
        group["lr"] = lr * group.get("lr_scale", 1.0)
    with eng.autocast():
        _, loss = model(x, y)  # always the same kernels (SDPA): a probe never changes this computation
    optimizer.zero_grad(set_to_none=True)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    if eng.cfg.grad_clip is not None:
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), eng.cfg.grad_clip)
    else:
        grad_norm = torch.linalg.vector_norm(
            torch.stack([p.grad.norm() for p in model.parameters() if p.grad is not None])
        )
    scale_before = scaler.get_scale() if eng.precision == "fp16" else None
    scaler.step(optimizer)  # fp16: skipped when a gradient is inf/NaN ...
    scaler.update()  # ... and then the scale is halved
    record = {
        "step": run.step,
        "loss": loss.item(),
        "grad_norm": float(grad_norm),
        "lr": lr,
        "batch_size": x.shape[0],
        "seq_len": x.shape[1],
    }
    if eng.precision == "fp16":
        record["loss_scale"] = scaler.get_scale()  # the scale after this step's update
        if record["loss_scale"] < scale_before:
            run.log.event(run.step, "loss_scale_backoff", scale_before=scale_before, scale_after=record["loss_scale"])
    return record


def probe(model: GPT, eng: _Engine, x, y) -> dict:
    """What the stability module watches, read by a separate no-grad forward on the step's batch and weights.

    The explicit attention path (``GPT.forward`` with a ``stats`` dict) exposes the attention logits; the
    training step itself always runs SDPA, so a probed run ends with the same weights, bit for bit, as an
    unprobed one. The probe consumes no random numbers the run uses (the RNG state is saved and restored).
    Returns ``max_attn_logit``, ``log_z`` and ``ce_loss`` (see ``GPT.forward``).
    """
    stats: dict = {}
    cuda = [torch.device(eng.device).index or 0] if eng.device.startswith("cuda") else []
    with torch.random.fork_rng(devices=cuda), torch.no_grad(), eng.autocast():
        model(x, y, stats)
    return stats


def update_size(model: GPT, before: list[torch.Tensor]) -> float:
    """||W_after - W_before|| / ||W_before|| over all parameters: how far one step moved the weights."""
    num = math.sqrt(sum(((p.detach() - b) ** 2).sum().item() for p, b in zip(model.parameters(), before)))
    den = math.sqrt(sum((b**2).sum().item() for b in before))
    return num / max(den, 1e-12)


def throughput(eng: _Engine, n_tokens: int, seconds: float, seq_len: int) -> dict:
    """tokens/s of one training step (``train_step`` alone: no probe, no evaluation) and, on a GPU, MFU against
    its datasheet peak (None where the table does not hold the GPU)."""
    out = {"tokens_per_s": n_tokens / max(seconds, 1e-9)}
    if eng.peak:
        from .measure import model_flops_per_token

        out["mfu"] = out["tokens_per_s"] * model_flops_per_token(eng.cfg.model, seq_len) / eng.peak
    elif eng.device.startswith("cuda"):
        out["mfu"] = None  # a GPU the table does not hold: unknown, not a guess
    return out


def evaluate(model: GPT, eng: _Engine) -> float:
    """Mean loss on ``eval_batches`` fixed batches of the held-out tokens (the same batches every time)."""
    cfg = eng.cfg
    batches = (
        get_batch(eng.val_tokens, i, cfg.batch_size, cfg.seq_len, seed=cfg.data_seed + 1)
        for i in range(cfg.eval_batches)
    )
    return mean_loss(model, batches, eng.autocast)


@dataclass
class _SpikeWatch:
    """The spike policy's state: in-memory checkpoints, the recent accepted losses, rollbacks taken."""

    policy: SpikePolicy | None
    min_step: int
    memory: list[dict] = field(default_factory=list)  # Run.state() snapshots, oldest first
    recent: list[float] = field(default_factory=list)
    rollbacks: int = 0

    @classmethod
    def for_config(cls, cfg: TrainConfig) -> _SpikeWatch:
        policy = cfg.spike_policy
        if policy is None:
            return cls(None, 0)
        return cls(policy, policy.min_step if policy.min_step is not None else cfg.warmup_steps)

    def is_spike(self, step: int, loss: float) -> bool:
        """Not finite, or above ``factor`` x the mean of the last ``window`` accepted losses (after min_step)."""
        p = self.policy
        if p is None or step < self.min_step:
            return False
        if not math.isfinite(loss):
            return True
        return len(self.recent) >= p.window and loss > p.factor * sum(self.recent[-p.window :]) / p.window

    def can_roll_back(self) -> bool:
        return self.rollbacks < self.policy.max_rollbacks and bool(self.memory)

    def accept(self, loss: float) -> None:
        if math.isfinite(loss):
            self.recent = (self.recent + [loss])[-(self.policy.window if self.policy else 1) :]


def save_checkpoint(run: Run, watch: _SpikeWatch, path=None) -> None:
    """Keep the run's state in memory for a rollback (the newest ``keep_checkpoints``) and, past step 0, on disk."""
    watch.memory = (watch.memory + [run.state()])[-run.config.keep_checkpoints :]
    if path is not None and run.step > 0:
        run.save_checkpoint(path)


def roll_back(run: Run, watch: _SpikeWatch, step: int, loss: float) -> None:
    """PaLM's remedy: restore a checkpoint >= ``rollback`` steps back and skip batches, logging both decisions."""
    policy = watch.policy
    watch.rollbacks += 1
    snapshot = ([m for m in watch.memory if m["step"] <= step - policy.rollback] or watch.memory[:1])[-1]
    _restore(run, snapshot)  # model, optimizer, scaler, step, data offset, RNG; the log keeps growing
    for h in run.log.history:
        if h["step"] >= snapshot["step"]:
            h["abandoned"] = True  # kept in the log, drawn grey, left out of run.log.losses
    watch.memory = [m for m in watch.memory if m["step"] <= snapshot["step"]]
    skip = max(policy.skip, step - snapshot["step"] + 1)  # never replay the spike's batches
    run.data_offset += skip
    run.log.event(step, "spike", loss=loss)
    run.log.event(step, "rollback", to_step=snapshot["step"], skip=skip, data_offset=run.data_offset)
    kept = [h["loss"] for h in run.log.history if h["step"] < snapshot["step"] and not h.get("abandoned")]
    watch.recent = kept[-policy.window :]


def _setup(cfg: TrainConfig, tokens, val_tokens, resume_from) -> tuple[Run, _Engine]:
    """Check the data, build model, optimizer and scaler on the device (or restore them); announce the precision."""
    device = resolve_device(cfg.device)
    precision, reason = resolve_precision(cfg.precision, device)
    tokens = torch.as_tensor(tokens, dtype=torch.long)
    if tokens.dim() != 1 or tokens.numel() <= cfg.seq_len + 1:
        raise ValueError(
            f"tokens must be a 1-D tensor longer than seq_len + 1 = {cfg.seq_len + 1}; got shape {tuple(tokens.shape)}"
        )
    if int(tokens.max()) >= cfg.model.vocab_size or int(tokens.min()) < 0:
        raise ValueError(f"token ids must lie in [0, vocab_size={cfg.model.vocab_size})")
    val_tokens = None if val_tokens is None else torch.as_tensor(val_tokens, dtype=torch.long).to(device)

    torch.manual_seed(cfg.seed)
    model = GPT(cfg.model).to(device)
    scaler = torch.amp.GradScaler(
        device.split(":")[0],
        init_scale=cfg.loss_scale_init,
        growth_interval=cfg.loss_scale_growth_interval,
        enabled=precision == "fp16",
    )
    run = Run(cfg, model, RunLog(), 0, 0, _make_optimizer(model, cfg), scaler, precision)
    if resume_from is not None:
        state = resume_from if isinstance(resume_from, dict) else torch.load(resume_from, weights_only=False)
        _restore(run, state)
        run.log = RunLog(copy.deepcopy(state["log"]["history"]), copy.deepcopy(state["log"]["events"]))
    peak = device_peak(device, precision)  # None off CUDA, and on a GPU the table does not hold (MFU unknown)
    _announce(cfg.precision, precision, reason, device, peak)
    run.log.event(run.step, "precision", requested=cfg.precision, precision=precision, reason=reason)
    return run, _Engine(cfg, tokens.to(device), val_tokens, device, precision, peak)


# ---------------------------------------------------------------------------------------------------------
# The loop
# ---------------------------------------------------------------------------------------------------------


def train(
    cfg: TrainConfig,
    tokens: torch.Tensor,
    val_tokens: torch.Tensor | None = None,
    resume_from=None,
    checkpoint_path=None,
    until: int | None = None,
) -> Run:
    """Train (or resume) a tiny GPT on ``tokens``; return the ``Run`` with its model and log.

    ``resume_from``: a path written by ``Run.save_checkpoint`` or a ``Run.state()`` dict; the run
    continues bit-exactly where it stopped. ``checkpoint_path``: where to save a checkpoint every
    ``checkpoint_every`` steps (the newest overwrites the previous one). ``until``: stop before
    this step (the schedule still spans ``cfg.steps``), e.g. to save and resume half-way.
    """
    from .progress import tqdm

    run, eng = _setup(cfg, tokens, val_tokens, resume_from)
    watch = _SpikeWatch.for_config(cfg)
    bar = tqdm(total=cfg.steps, initial=run.step, disable=not cfg.progress, desc="mini-run", leave=False)
    stop = cfg.steps if until is None else min(until, cfg.steps)
    t_start = time.perf_counter()
    while run.step < stop:
        step = run.step
        if cfg.kill_at is not None and step == cfg.kill_at:  # fault injection: the node dies
            bar.close()
            run.log.event(step, "killed")
            raise SimulatedFailure(f"simulated failure at step {step}: resume from the last checkpoint")
        if cfg.checkpoint_every and step % cfg.checkpoint_every == 0:
            save_checkpoint(run, watch, checkpoint_path)

        # the batch, the probe (a separate forward, before the step changes the weights), the step
        x, y = get_step_batch(run, eng, step)
        probing = bool(cfg.probe_every) and step % cfg.probe_every == 0
        stats = probe(run.model, eng, x, y) if probing else {}
        before = [p.detach().clone() for p in run.model.parameters()] if probing else None
        t0 = time.perf_counter()
        record = train_step(run, eng, x, y, lr_at(cfg, step))
        t1 = time.perf_counter()  # train_step ends on loss.item(): on a GPU its kernels have run
        record["time"] = t1 - t_start
        record.update(throughput(eng, x.numel(), t1 - t0, x.shape[1]))
        if probing:
            record.update(stats, update_size=update_size(run.model, before))
        if cfg.eval_every and eng.val_tokens is not None and (step % cfg.eval_every == 0 or step == cfg.steps - 1):
            record["val_loss"] = evaluate(run.model, eng)
        run.log.history.append(record)

        # the spike policy: roll back and skip batches, or accept the step
        if watch.is_spike(step, record["loss"]) and watch.can_roll_back():
            roll_back(run, watch, step, record["loss"])
            bar.n = run.step
            bar.refresh()
            continue
        watch.accept(record["loss"])
        run.step += 1
        bar.update(1)
        if cfg.progress and step % 10 == 0:
            bar.set_postfix(loss=f"{record['loss']:.3f}")
    bar.close()
    if checkpoint_path is not None and cfg.checkpoint_every:
        run.save_checkpoint(checkpoint_path)
    return run


def _restore(run: Run, state: dict) -> None:
    """Load the training state of ``Run.state()`` into ``run`` (the log is the caller's business)."""
    run.model.load_state_dict(state["model"])
    run.optimizer.load_state_dict(state["optimizer"])
    run.scaler.load_state_dict(state["scaler"])
    run.step, run.data_offset = state["step"], state["data_offset"]
    torch.set_rng_state(state["rng_cpu"])
    if state.get("rng_cuda") is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["rng_cuda"])


def fp16_autocast_works(device: str) -> bool:
    """Whether fp16 autocast and a gradient scaler run on ``device`` with the installed torch (CPU: torch >= 2.3)."""
    device_type = str(device).split(":")[0]
    try:
        scaler = torch.amp.GradScaler(device_type)
        w = torch.ones(4, 4, device=device, requires_grad=True)
        with torch.autocast(device_type, dtype=torch.float16):
            out = w @ w
        scaler.scale(out.float().sum()).backward()
        return out.dtype == torch.float16 and scaler.is_enabled()
    except (RuntimeError, ValueError, TypeError):
        return False


@dataclass
class LossScaleTrace:
    """What dynamic loss scaling did in an fp16 mini-run: the scale each step used, and the steps it skipped."""

    scales: list[float]  # the loss scale in effect at each step
    skipped: list[int]  # steps whose gradients overflowed: update skipped, scale halved
    run: Run

    def table(self, every: int = 1) -> str:
        """One line per step (or every ``every`` steps, plus every skipped one): the scale, log2, skipped or not."""
        lines = [f"{'step':>5} {'loss scale':>14} {'log2':>6}  update"]
        for step, scale in enumerate(self.scales):
            if step % every == 0 or step in self.skipped:
                status = "SKIPPED: inf/NaN gradient, scale halved" if step in self.skipped else "applied"
                lines.append(f"{step:>5} {scale:>14,.0f} {math.log2(scale):>6.1f}  {status}")
        return "\n".join(lines)


def loss_scale_backoff(
    model: GPTConfig,
    tokens: torch.Tensor,
    steps: int = 30,
    init_scale: float = 2.0**24,
    growth_interval: int = 10,
    device: str = "auto",
    **config,
) -> LossScaleTrace:
    """Train the tiny GPT ``steps`` steps in fp16 with a loss scale started far too high, and trace the back-off.

    At ``init_scale`` (2^24 by default, 256 x PyTorch's 2^16) the scaled gradients overflow fp16's 65504:
    each such step is skipped and the scale halved, until the gradients fit; every ``growth_interval`` good
    steps the scale doubles and probes upwards again (Micikevicius et al. 2018). The engine's own fp16 path
    does the work (``precision="fp16"``); ``config`` passes any other ``TrainConfig`` field (seed, lr, ...).
    Runs on a GPU, and on a CPU where the installed torch has fp16 autocast (``fp16_autocast_works``).
    """
    device = resolve_device(device)
    if not fp16_autocast_works(device):
        raise RuntimeError(
            f"fp16 autocast with a gradient scaler does not run on {device} with torch {torch.__version__}"
        )
    defaults = dict(batch_size=8, lr=3e-3, warmup_steps=min(5, steps), probe_every=0, progress=False)
    cfg = TrainConfig(
        model=model,
        steps=steps,
        precision="fp16",
        device=device,
        loss_scale_init=init_scale,
        loss_scale_growth_interval=growth_interval,
        **{**defaults, **config},
    )
    run = train(cfg, tokens)
    after = [h["loss_scale"] for h in run.log.history]
    skipped = [e["step"] for e in run.log.events if e["kind"] == "loss_scale_backoff"]
    return LossScaleTrace([init_scale] + after[:-1], skipped, run)
