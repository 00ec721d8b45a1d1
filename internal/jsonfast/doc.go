// Package jsonfast reads and writes the JSON of syndex's records (articles,
// assignments, stored records) exactly as encoding/json does, without
// reflection, for the paths where encoding/json's reflection was most of
// the cost: dedup reading JSON Lines, the store reading and writing its
// records, dedup writing assignments.
//
// Scanner holds the reading primitives: white space, punctuation, member
// names, strings (escapes, and a fast run over bytes that need no
// decoding), numbers, literals, RFC 3339 times as time.Time reads them,
// string arrays, and skipping any value. Every primitive reports false
// for what it cannot read exactly as encoding/json would read it into
// the same Go type; a caller then declines the whole input and hands it to
// encoding/json, which also words the error for input that is not JSON.
// What a caller reads therefore never depends on which path read it.
//
// AppendString, AppendFloat and AppendTime write a string (HTML escaping
// on), a float64 and a time.Time byte for byte as encoding/json's Marshal
// and Encoder write them.
//
// A user keeps only its own mapping of member names to fields (which
// members it fills, which it skips, which it declines).
package jsonfast
