"""minirepro: the course library of "Never Reproduced".

Small readable modules that the lectures and labs share:

- ``config``   resolve ``SCALE`` / ``DEVICE`` / ``SEED`` the same way in every notebook
- ``facts``    published figures (GPT-3 Table 2.1, GPU peaks, failure rates...) with their sources
- ``gpus``     one lookup of a GPU's datasheet peak by its whole model name, and the precision "auto" picks
- ``sizes``    every notebook's sizes, smoke and full, in one place (the dry run and the notebooks read them)
- ``corpus``   the default training text: documents about a generated fictional world, with its entropy floor
- ``crawl``    a toy web crawl with ground truth (quality class, duplicate cluster, planted benchmark items), module 02
- ``filtering`` GPT-3's Pareto sampling of a quality classifier's scores (module 02)
- ``data``     byte-level tokenization, packing, and the batch of step i as a pure function of (seed, i)
- ``model``    a tiny GPT written to be read (nanoGPT-sized), with the stability switches of module 03
- ``train``    the mini-run engine: schedules, precisions, clipping, checkpoints, bit-exact resume, spike policy
- ``stability`` summaries of stability experiments: LR sensitivity (module 03)
- ``measure``  time a real forward/backward on this machine: tokens/s, FLOPs/token, MFU
- ``scaling``  IsoFLOP sweeps with the engine (module 04)
- ``evaluate`` log-likelihood scoring, acc / acc_norm, bits per byte, few-shot prompts, memorisation (module 05)
- ``progress`` progress bars that render with or without ipywidgets
- ``check``    run a lab's visible tests outside JupyterLab (Colab, a terminal) and print a result per question
- ``claims``   sentences about measured results, printed only when the numbers support them
"""

from .check import check_lab
from .config import resolve_device, resolve_scale, seed_everything, setup

__all__ = ["setup", "resolve_scale", "resolve_device", "seed_everything", "check_lab"]
__version__ = "0.1.0"
