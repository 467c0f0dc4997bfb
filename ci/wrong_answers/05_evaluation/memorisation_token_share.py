# Wrong answer: the share of continuation tokens greedy decoding gets right, not the share of sequences reproduced
# exactly
# targets: test_memorisation
# %% cell: memorisation
def memorisation_rate(model, sequences, prompt_len=32, cont_len=32):
    x = torch.tensor([list(s[:prompt_len]) for s in sequences])
    target = torch.tensor([list(s[prompt_len : prompt_len + cont_len]) for s in sequences])
    with torch.no_grad():
        for _ in range(cont_len):
            x = torch.cat([x, model(x[:, -model.cfg.n_ctx :])[0][:, -1].argmax(-1, keepdim=True)], 1)
    return float((x[:, prompt_len:] == target).float().mean())
