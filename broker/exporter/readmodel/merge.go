package readmodel

import (
	"fmt"
	"reflect"
	"slices"
)

// Searches over partitions held by other nodes: a node whose read model
// lacks some partitions sends each node that holds them PartQuery(q),
// restricted to those partitions, and merges the answers with Merge. Both
// kinds of paging stay exact: an offset page asks every part for its first
// from+limit items; a cursor (the sort values and key of an item, the same
// on every node) asks every part for the limit items after or before it.

// PartQuery is the query to send to one part of a fanned-out search.
func PartQuery(q Query, partitions []int32) Query {
	part := q
	part.Partitions = partitions
	if q.Page.After == "" && q.Page.Before == "" {
		limit := q.Page.Limit
		if limit <= 0 {
			limit = defaultLimit
		}
		part.Page = Page{Limit: max(q.Page.From, 0) + limit}
	}
	return part
}

// Merge combines the answers of PartQuery from disjoint sets of partitions
// into the page q asks for. key returns an item's key (the tie-breaker of
// every sort).
func Merge[T any](q Query, key func(*T) int64, parts ...Result[T]) (Result[T], error) {
	fields := fieldsOf(reflect.TypeFor[T]())
	sorts := make([]field, len(q.Sort))
	for i, s := range q.Sort {
		f, ok := fields[s.Field]
		if !ok {
			return Result[T]{}, fmt.Errorf("%w: unknown sort field %q", ErrInvalidQuery, s.Field)
		}
		sorts[i] = f
	}
	type row struct {
		item T
		sort []value
		key  int64
	}
	var rows []row
	var total int64
	for _, p := range parts {
		total += p.TotalItems
		for _, it := range p.Items {
			rv := reflect.ValueOf(&it).Elem()
			r := row{item: it, key: key(&it), sort: make([]value, len(sorts))}
			for i, f := range sorts {
				r.sort[i] = f.get(rv)
			}
			rows = append(rows, r)
		}
	}
	slices.SortFunc(rows, func(a, b row) int { return compareRows(q.Sort, a.sort, a.key, b.sort, b.key) })
	// Every item before an offset page globally is among the parts' first
	// from+limit items, so the page is [from, from+limit) of the merged
	// rows; a cursor page is found around its cursor as on one node.
	lo, hi, err := pageBounds(len(rows), q.Page, len(sorts), func(i int, c cursor) int {
		return compareRows(q.Sort, rows[i].sort, rows[i].key, c.Sort, c.Key)
	})
	if err != nil {
		return Result[T]{}, err
	}
	res := Result[T]{TotalItems: total, Items: make([]T, 0, hi-lo)}
	for i := lo; i < hi; i++ {
		res.Items = append(res.Items, rows[i].item)
	}
	if hi > lo {
		res.StartCursor = encodeCursor(rows[lo].sort, rows[lo].key)
		res.EndCursor = encodeCursor(rows[hi-1].sort, rows[hi-1].key)
	}
	return res, nil
}

// Keys of the result types, for Merge.
var (
	DefinitionKey      = func(d *ProcessDefinition) int64 { return int64(d.ProcessDefinitionKey) }
	InstanceKey        = func(p *ProcessInstance) int64 { return int64(p.ProcessInstanceKey) }
	ElementInstanceKey = func(e *ElementInstance) int64 { return int64(e.ElementInstanceKey) }
	VariableKey        = func(v *Variable) int64 { return int64(v.VariableKey) }
	IncidentKey        = func(i *Incident) int64 { return int64(i.IncidentKey) }
	JobKey             = func(j *Job) int64 { return int64(j.JobKey) }
)
