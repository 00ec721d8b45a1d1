// Package dedup finds syndicated near-duplicate copies among Articles and
// decides, for each group, which member is the original.
//
// Texts are normalised (Unicode NFKC, case folding, quotes and dashes
// unified), cut into word shingles hashed with xxhash, and sampled into a
// compact feature set per article. Per-site recurring features (disclaimers,
// donation appeals, headers), recurring passages (features held by many
// articles that otherwise share nothing: one template on a network of
// sites, or boilerplate of articles without a site; see passage.go) and
// globally common features are learned as articles arrive and discounted. Candidates come from MinHash sketches with
// LSH banding; every candidate is verified on the feature sets with both
// containment (truncated and wrapped copies) and Jaccard similarity, or
// as a rewrite: a later article (by publication date) whose features are
// a quarter or more in an earlier one (a newspaper condensing agency
// copy; see isRewrite). An
// article joins a cluster only when it matches the cluster's original, so
// A≈B and B≈C never pulls an unrelated C into A's cluster. The rule is
// kept as the clusterer changes: when a cluster's original is re-decided (an
// earlier original arrives, a copy's attribution names another member, a
// member is re-added) or features turn out to be site boilerplate,
// recurring passages or globally common, every member is verified against
// the original again and those that fail leave, joining another cluster
// or becoming unique; Add returns every Assignment that changed so stores
// and indexes can follow.
//
// The package owns the in-memory Clusterer, its checkpoint format and the
// offline JSONL runner. It does not own persistence of Articles (package
// store), the full-text index, nor the evaluation measures (package
// dedup/evaluate).
package dedup
