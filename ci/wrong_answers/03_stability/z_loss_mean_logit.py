# Wrong answer: z-loss on the mean logit instead of log-sum-exp
# targets: test_z_loss
# %% cell: z_loss
def z_loss(logits, coeff=1e-4):
    return coeff * (logits.float().mean(dim=-1) ** 2).mean()
