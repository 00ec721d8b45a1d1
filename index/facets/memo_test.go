package facets

import (
	"fmt"
	"reflect"
	"testing"
)

func TestTop(t *testing.T) {
	counts := []TermCount{{"b.example", 2}, {"a.example", 3}, {"b.example", 1}, {"c.example", 5}, {"d.example", 1}}
	got := Top(counts, 3)
	want := []Count{{Term: "c.example", Count: 5}, {Term: "a.example", Count: 3}, {Term: "b.example", Count: 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Top = %v, want %v (a term's counts summed, ties by term)", got, want)
	}
	if got := Top(nil, 20); got == nil || len(got) != 0 {
		t.Errorf("Top of nothing = %#v, want an empty list", got)
	}
	years := []Count{{Term: "2019", Count: 9}, {Term: "2024", Count: 1}, {Term: "2021", Count: 4}}
	SortYears(years)
	if years[0].Term != "2024" || years[2].Term != "2019" {
		t.Errorf("SortYears = %v, want newest first", years)
	}
}

func TestMemo(t *testing.T) {
	var m Memo
	c := Counts{Terms: [3][]TermCount{{{"a.example", 1}}}}
	if _, ok := m.Get("q", 2); ok {
		t.Fatal("an empty memo remembers")
	}
	m.Put("q", 2, c)
	if got, ok := m.Get("q", 2); !ok || !reflect.DeepEqual(got, c) {
		t.Fatalf("Get = %v %v, want the counts put", got, ok)
	}
	if _, ok := m.Get("q", 4); ok {
		t.Error("counts of an index written since are returned")
	}
	m.Put("r", 4, c) // a newer index forgets the older counts
	if _, ok := m.Get("q", 4); ok {
		t.Error("counts of the older index kept")
	}
	for i := range memoSize {
		m.Put(fmt.Sprint(i), 4, c)
	}
	if _, ok := m.Get("r", 4); ok {
		t.Errorf("the oldest of %d+1 queries kept", memoSize)
	}
	if _, ok := m.Get(fmt.Sprint(memoSize-1), 4); !ok {
		t.Error("the newest query forgotten")
	}
	m.Reset()
	if _, ok := m.Get(fmt.Sprint(memoSize-1), 4); ok {
		t.Error("Reset kept counts")
	}
}
