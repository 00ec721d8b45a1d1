package archive

// Test helpers for the external tests (package archive_test), which use
// package remote, itself a user of archive.
var (
	OpenT        = openT
	TestArticles = testArticles
)

// Story is the test articles' original text.
const Story = story
