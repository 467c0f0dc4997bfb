# Wrong answer: the library's finished weights hash, wrapped
# targets: test_weights_digest
# %% cell: weights_digest
from minirepro.train import weights_hash


def weights_digest(model):
    return weights_hash(model)
