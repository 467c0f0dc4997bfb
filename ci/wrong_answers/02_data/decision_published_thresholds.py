# Wrong answer: published thresholds instead of measured ones: FineWeb's dedup similarity (0.8 is near its LSH
# midpoint) and "a probability above one half" for the classifier, with every Gopher rule
# targets: test_decision
# %% cell: decision
DECISION = {"rules": list(RULES), "min_score": 0.5, "jaccard_threshold": 0.8}
