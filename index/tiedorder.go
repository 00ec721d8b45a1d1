package index

import (
	"context"

	"github.com/blevesearch/bleve/v2"
)

// numberedShard is a shard as the alias over all shards searches it: the
// hits it returns are numbered across shards (HitNumber × shards +
// shard), not from 1 in each. Bleve's alias searches the shards
// concurrently, concatenates their hits in the order the shards answer,
// sorts them with an unstable sort and breaks equal sort values by
// HitNumber; with per-shard numbers, hits of equal score from two shards
// compared equal, so their order (and which of them a page held) changed
// from one search to the next. With numbers unique across shards the
// merged order is total, the same for every search of the same index,
// and within a shard the order Bleve gave.
type numberedShard struct {
	shardIndex
	shard, shards uint64
}

// shardIndex names the embedded shard (bleve.Index has a method Index).
type shardIndex = bleve.Index

// numberedShards wraps each shard for the alias (numberedShard).
func numberedShards(shards []bleve.Index) []bleve.Index {
	out := make([]bleve.Index, len(shards))
	for i, s := range shards {
		out[i] = &numberedShard{shardIndex: s, shard: uint64(i), shards: uint64(len(shards))}
	}
	return out
}

func (s *numberedShard) Search(req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	return s.SearchInContext(context.Background(), req)
}

func (s *numberedShard) SearchInContext(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	sr, err := s.shardIndex.SearchInContext(ctx, req)
	if sr != nil {
		for _, h := range sr.Hits {
			h.HitNumber = h.HitNumber*s.shards + s.shard
		}
	}
	return sr, err
}
