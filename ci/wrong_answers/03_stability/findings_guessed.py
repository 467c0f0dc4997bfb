# Wrong answer: verdicts from intuition, not measured (the global seed "matters", evaluation "disturbs" the run, a
# fresh optimizer "is harmless"); the guess about probing happens to be right: the engine's probes do not touch the run
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
