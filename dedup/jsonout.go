package dedup

import (
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/internal/jsonfast"
)

// appendAssignment appends the JSON of document di's assignment (as
// assignment(di) would give it), and a newline, to b: byte for byte what
// encoding/json's Encoder writes for an article.Assignment, without the
// per-article allocations, so writing a million assignments does not
// grow the heap at the end of a Run.
func (ix *Clusterer) appendAssignment(b []byte, di uint32) []byte {
	d := &ix.docs[di]
	if ix.furniture(di) {
		b = append(b, `{"id":`...)
		b = jsonfast.AppendString(b, d.id)
		b = append(b, `,"cluster":`...)
		b = jsonfast.AppendString(b, d.id)
		b = append(b, `,"role":"unique","original":`...)
		b = jsonfast.AppendString(b, d.id)
		return append(b, `,"similarity":1,"original_share":1,"copy_share":1,"evidence":["furniture"]}`+"\n"...)
	}
	cluster := d.id
	var evidence []string
	if d.cluster != noCluster {
		cl := &ix.clusters[d.cluster]
		cluster, evidence = cl.id, cl.evidence
	}
	b = append(b, `{"id":`...)
	b = jsonfast.AppendString(b, d.id)
	b = append(b, `,"cluster":`...)
	b = jsonfast.AppendString(b, cluster)
	b = append(b, `,"role":`...)
	b = jsonfast.AppendString(b, string(d.role))
	b = append(b, `,"original":`...)
	b = jsonfast.AppendString(b, ix.docs[d.original].id)
	b = append(b, `,"similarity":`...)
	b = appendFloat(b, round4(float64(d.sim)))
	oshare, cshare := 1.0, 1.0
	if d.role == article.RoleCopy {
		oshare, cshare = ix.shares(di, d.original)
	}
	b = append(b, `,"original_share":`...)
	b = appendFloat(b, oshare)
	b = append(b, `,"copy_share":`...)
	b = appendFloat(b, cshare)
	if d.role == article.RoleCopy && d.via != 0 {
		b = append(b, `,"via":`...)
		b = jsonfast.AppendString(b, ix.docs[d.via-1].id)
	}
	b = append(b, `,"evidence":[`...)
	for i, e := range evidence {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonfast.AppendString(b, e)
	}
	return append(b, "]}\n"...)
}

// appendFloat appends a similarity or share (always finite) as
// encoding/json writes it.
func appendFloat(b []byte, f float64) []byte {
	b, _ = jsonfast.AppendFloat(b, f)
	return b
}
