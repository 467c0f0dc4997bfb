# Wrong answer: a hash of the printed state dict (print rounds to 4 decimals and elides large tensors)
# targets: test_weights_digest
# %% cell: weights_digest
def weights_digest(model):
    import hashlib

    return hashlib.sha256(str(model.state_dict()).encode()).hexdigest()
