# Wrong answer: a one-line wrapper around the library's minirepro.evaluate.memorisation_rate
# targets: test_memorisation
# %% cell: memorisation
from minirepro import evaluate as ev


def memorisation_rate(model, sequences, prompt_len=32, cont_len=32):
    return ev.memorisation_rate(model, sequences, prompt_len, cont_len)
