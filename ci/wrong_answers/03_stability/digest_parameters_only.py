# Wrong answer: hashes the parameters' values only (buffers and dtypes left out)
# targets: test_weights_digest
# %% cell: weights_digest
def weights_digest(model):
    import hashlib

    h = hashlib.sha256()
    for p in model.parameters():
        h.update(p.detach().float().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()
