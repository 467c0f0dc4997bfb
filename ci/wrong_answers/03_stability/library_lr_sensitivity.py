# Wrong answer: the library's finished LR sensitivity, wrapped
# targets: test_lr_sensitivity
# %% cell: lr_sensitivity
from minirepro.stability import lr_sensitivity as _library_lr_sensitivity


def lr_sensitivity(final_losses, initial_loss):
    return _library_lr_sensitivity(final_losses, initial_loss)
