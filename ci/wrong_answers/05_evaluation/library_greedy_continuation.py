# Wrong answer: the library's minirepro.evaluate.greedy_continuation does the decoding
# targets: test_memorisation
# %% cell: memorisation
from minirepro import evaluate as ev


def memorisation_rate(model, sequences, prompt_len=32, cont_len=32):
    out = ev.greedy_continuation(model, [list(s[:prompt_len]) for s in sequences], cont_len)
    truth = torch.tensor([list(s[prompt_len : prompt_len + cont_len]) for s in sequences])
    return float((out == truth).all(dim=1).float().mean())
