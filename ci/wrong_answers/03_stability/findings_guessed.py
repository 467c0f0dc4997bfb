# Wrong answer: verdicts from intuition, not measured (the global seed "matters", evaluation "disturbs" the run,
# measuring "cannot" change the weights)
# targets: test_determinism_findings
# %% cell: determinism_findings
def determinism_findings():
    return {
        DET_CHANGES[0]: False,
        DET_CHANGES[1]: False,
        DET_CHANGES[2]: True,
        DET_CHANGES[3]: False,
        DET_CHANGES[4]: True,
        DET_CHANGES[5]: False,
        DET_CHANGES[6]: True,
    }
