# Wrong answer: log Z as log(sum(exp(logits))): exact for small logits, inf once they reach the hundreds
# targets: test_z_loss
# %% cell: z_loss
def z_loss(logits, coeff=1e-4):
    log_z = torch.log(torch.exp(logits.float()).sum(dim=-1))
    return coeff * (log_z**2).mean()
