# Wrong answer: restarts from the newest checkpoint before the spike, ignoring the rollback distance
# targets: test_rollback_plan
# %% cell: rollback_plan
def rollback_plan(spike_step, checkpoint_steps, rollback=100, skip=200):
    restart = max(c for c in checkpoint_steps if c < spike_step)
    return restart, max(skip, spike_step - restart + 1)
