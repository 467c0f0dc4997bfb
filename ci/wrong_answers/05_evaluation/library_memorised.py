# Wrong answer: a wrapper around the library's minirepro.evaluate.memorised
# targets: test_memorisation
# %% cell: memorisation
from minirepro import evaluate as ev


def memorisation_rate(model, sequences, prompt_len=32, cont_len=32):
    return float(ev.memorised(model, sequences, prompt_len, cont_len).float().mean())
