# Wrong answer: the whole growing sequence is fed to the model, past its context length (works for the bigram model,
# fails for the GPT)
# targets: test_memorisation
# %% cell: memorisation
def memorisation_rate(model, sequences, prompt_len=32, cont_len=32):
    x = torch.tensor([list(s[:prompt_len]) for s in sequences])
    target = torch.tensor([list(s[prompt_len : prompt_len + cont_len]) for s in sequences])
    with torch.no_grad():
        for _ in range(cont_len):
            try:
                logits, _ = model(x)
            except ValueError:
                logits, _ = model(x[:, : model.cfg.n_ctx])
            x = torch.cat([x, logits[:, -1].argmax(-1, keepdim=True)], 1)
    return float((x[:, prompt_len:] == target).all(1).float().mean())
