# Wrong answer: "the engine is deterministic", so every change is declared bit-identical
# targets: test_determinism_findings
# %% cell: determinism_findings
def determinism_findings():
    return {change: True for change in DET_CHANGES}
