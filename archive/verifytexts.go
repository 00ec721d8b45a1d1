package archive

import (
	"fmt"

	"github.com/syndex/syndex/article"
)

// dedupText gives dedup's verifying stage (dedup.Index.SetTexts) the text
// of an article it holds, by id: from the batch being deduplicated, from
// the batch whose store write runs behind (writeBehind), else from the
// store, the source of truth. The stage reads a few earlier articles per
// new article that stays unique, so the archive keeps no texts in memory
// for it. a.mu is held (dedup runs under it).
func (a *Archive) dedupText(id string) (string, error) {
	if art, ok := a.batchArts[id]; ok {
		return art.Text, nil
	}
	if w := a.behind.w; w != nil {
		if art, ok := w.arts[id]; ok {
			return art.Text, nil
		}
	}
	art, err := a.Store.Article(id)
	if err != nil {
		return "", fmt.Errorf("read %.80q for whole-text verification: %w", id, err)
	}
	return art.Text, nil
}

// batchTexts holds the batch being deduplicated, by id (dedupText).
type batchTexts = map[string]*article.Article
