# Wrong answer: off-by-one in the continuation window: the greedy output is compared with seq[prompt_len + 1 :
# prompt_len + cont_len + 1]
# targets: test_memorisation
# %% cell: memorisation
def memorisation_rate(model, sequences, prompt_len=32, cont_len=32):
    hits = 0
    for s in sequences:
        x = torch.tensor([list(s[:prompt_len])])
        with torch.no_grad():
            for _ in range(cont_len):
                x = torch.cat([x, model(x[:, -model.cfg.n_ctx :])[0][:, -1].argmax(-1, keepdim=True)], 1)
        hits += x[0, prompt_len:].tolist() == list(s[prompt_len + 1 : prompt_len + cont_len + 1])
    return hits / len(sequences)
