# Wrong answer: returns the probability of the wrong class (predict_proba's column 0: "looks like raw crawl")
# targets: test_classifier
# %% cell: classifier
def quality_scores(positives, negatives, texts):
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = HashingVectorizer(ngram_range=(2, 2), n_features=2**18, alternate_sign=False, norm="l2")
    clf = LogisticRegression(C=1.0, solver="liblinear", class_weight="balanced")
    clf.fit(vec.transform(list(positives) + list(negatives)), np.r_[np.ones(len(positives)), np.zeros(len(negatives))])
    return clf.predict_proba(vec.transform(list(texts)))[:, 0]
