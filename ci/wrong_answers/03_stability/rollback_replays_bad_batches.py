# Wrong answer: a rollback that replays the bad batches (skips a fixed number, fewer than it rolled back)
# targets: test_rollback_plan
# %% cell: rollback_plan
def rollback_plan(spike_step, checkpoint_steps, rollback=100, skip=200):
    candidates = [c for c in sorted(checkpoint_steps) if c <= spike_step - rollback]
    restart = candidates[-1] if candidates else min(checkpoint_steps)
    return restart, skip
