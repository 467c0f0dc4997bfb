# Wrong answer: the sum of the weights as a checksum (blind to a moved row and to rounding-level changes)
# targets: test_weights_digest
# %% cell: weights_digest
def weights_digest(model):
    return repr(sum(float(t.double().sum()) for t in model.state_dict().values()))
