"""spaCy segmentation and matching, scikit-learn suggesters, skops persistence."""
