package readmodel_test

import (
	"fmt"
	"testing"

	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
)

// TestMergeOfPartsEqualsOneSearch: a search answered by parts (one per
// partition, as nodes of a cluster would) and merged gives the same pages
// as the search over all partitions, for offsets and cursors.
func TestMergeOfPartsEqualsOneSearch(t *testing.T) {
	e := newEnv(t, readmodel.Config{})
	runScenario(e)
	e.caughtUp()
	m := e.model
	merged := func(q readmodel.Query) readmodel.Result[readmodel.ProcessInstance] {
		t.Helper()
		var parts []readmodel.Result[readmodel.ProcessInstance]
		for _, p := range []int32{1, 2} {
			parts = append(parts, must[readmodel.Result[readmodel.ProcessInstance]](t)(m.SearchProcessInstances(readmodel.PartQuery(q, []int32{p}))))
		}
		return must[readmodel.Result[readmodel.ProcessInstance]](t)(readmodel.Merge(q, readmodel.InstanceKey, parts...))
	}
	sorts := [][]readmodel.Sort{
		{{Field: "processInstanceKey", Desc: true}},
		{{Field: "state"}, {Field: "startDate", Desc: true}},
		nil,
	}
	for _, sort := range sorts {
		t.Run(fmt.Sprint(sort), func(t *testing.T) {
			for _, limit := range []int{1, 3, 5} {
				q := readmodel.Query{Sort: sort, Page: readmodel.Page{Limit: limit}}
				// Forward by cursor, checking every page against one search.
				for pages := 0; pages < 10; pages++ {
					want := must[readmodel.Result[readmodel.ProcessInstance]](t)(m.SearchProcessInstances(q))
					got := merged(q)
					if sprintJSON(t, got) != sprintJSON(t, want) {
						t.Fatalf("limit %d page %d:\nmerged %+v\nwant   %+v", limit, pages, got, want)
					}
					if len(want.Items) == 0 {
						break
					}
					// And the page before this one by the before cursor.
					back := readmodel.Query{Sort: sort, Page: readmodel.Page{Limit: limit, Before: want.StartCursor}}
					if b, w := merged(back), must[readmodel.Result[readmodel.ProcessInstance]](t)(m.SearchProcessInstances(back)); sprintJSON(t, b) != sprintJSON(t, w) {
						t.Fatalf("before: merged %+v, want %+v", b, w)
					}
					q.Page = readmodel.Page{Limit: limit, After: want.EndCursor}
				}
				for from := 0; from < 9; from += limit {
					q := readmodel.Query{Sort: sort, Page: readmodel.Page{Limit: limit, From: from}}
					if got, want := merged(q), must[readmodel.Result[readmodel.ProcessInstance]](t)(m.SearchProcessInstances(q)); sprintJSON(t, got) != sprintJSON(t, want) {
						t.Fatalf("from %d: merged %+v, want %+v", from, got, want)
					}
				}
			}
		})
	}
}
