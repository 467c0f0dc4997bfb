# Wrong answer: z-loss without the square (coeff * mean log Z)
# targets: test_z_loss
# %% cell: z_loss
def z_loss(logits, coeff=1e-4):
    return coeff * torch.logsumexp(logits.float(), dim=-1).mean()
