# Wrong answer: no quality filter at all (dedup only), as if the junk would wash out
# targets: test_decision
# %% cell: decision
DECISION = {"rules": [], "min_score": 0.0, "jaccard_threshold": 0.5}
