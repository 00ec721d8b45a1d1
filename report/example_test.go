package report_test

import (
	"os"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/report"
	"github.com/syndex/syndex/report/render"
)

// Build a report from clustered articles and print one table as CSV. The
// copy on launder.example was taken from city.example's copy: a via edge.
func ExampleBuild() {
	t := time.Date(2024, 6, 3, 8, 0, 0, 0, time.UTC)
	arts := []*article.Article{
		{ID: "a", Site: "wire.example", Published: t, Cluster: "a", Role: article.RoleOriginal, Original: "a"},
		{ID: "b", Site: "town.example", Published: t.Add(2 * time.Hour), Cluster: "a", Role: article.RoleCopy, Original: "a", Similarity: 0.93, OriginalShare: 0.56, CopyShare: 0.93},
		{ID: "c", Site: "city.example", Published: t.Add(6 * time.Hour), Cluster: "a", Role: article.RoleCopy, Original: "a", Similarity: 0.88},
		{ID: "d", Site: "town.example", Published: t.Add(30 * time.Hour), Cluster: "d", Role: article.RoleUnique, Original: "d"},
		{ID: "e", Site: "launder.example", Published: t.Add(9 * time.Hour), Cluster: "a", Role: article.RoleCopy, Original: "a", Via: "c"},
	}
	r := report.Build(arts, report.Filter{})
	if err := render.CSV(os.Stdout, r, "edges"); err != nil {
		panic(err)
	}
	// Output:
	// source,republisher,count,median_lag_seconds,first,last,via,median_original_share
	// city.example,launder.example,1,10800,2024-06-03T17:00:00Z,2024-06-03T17:00:00Z,true,
	// wire.example,city.example,1,21600,2024-06-03T14:00:00Z,2024-06-03T14:00:00Z,false,
	// wire.example,town.example,1,7200,2024-06-03T10:00:00Z,2024-06-03T10:00:00Z,false,0.5600
}
