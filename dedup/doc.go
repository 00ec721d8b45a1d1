// Package dedup finds syndicated near-duplicate copies among Articles and
// decides, for each group, which member is the original.
//
// Texts are normalised (Unicode NFKC, case folding, quotes and dashes
// unified), cut into word shingles hashed with xxhash, and sampled into a
// compact feature set per article. Per-site recurring features (disclaimers,
// donation appeals, headers) and globally common features are learned as
// articles arrive and discounted. Candidates come from MinHash sketches with
// LSH banding; every candidate is verified on the feature sets with both
// containment (truncated and wrapped copies) and Jaccard similarity. An
// article joins a cluster only when it matches the cluster's original, so
// A≈B and B≈C never pulls an unrelated C into A's cluster.
//
// The package owns the in-memory Index, its checkpoint format, the offline
// JSONL runner and the evaluation measures. It does not own persistence of
// Articles (package store) or the full-text index.
package dedup
