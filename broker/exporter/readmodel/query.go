package readmodel

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"

	"github.com/cockroachdb/pebble/v2"

	"github.com/shoalbpm/shoal/engine/record"
)

// Query is a Camunda search request: filter, sort and page, with the
// filter already split into conditions by the gateway.
type Query struct {
	Filter []Condition
	Sort   []Sort
	Page   Page
	// Partitions restricts the search to entities of these partitions (nil:
	// every partition the model holds), for a node answering part of a
	// search that another node fans out (see Merge).
	Partitions []int32
}

// Condition is one filter operator on one field: Op is Camunda's advanced
// filter operator ($eq, $neq, $exists, $in, $notIn, $like, $gt, $gte, $lt,
// $lte); a plain value in a filter is $eq. Value is what encoding/json
// decoded ([]any for $in and $notIn).
type Condition struct {
	Field string
	Op    string
	Value any
}

// Sort orders by one field; ties are broken by the next, then by key.
type Sort struct {
	Field string
	Desc  bool
}

// Page is Camunda's SearchQueryPageRequest: limit with from (offset), or
// with after/before (cursors from an earlier answer).
type Page struct {
	Limit  int
	From   int
	After  string
	Before string
}

// Result is one page of a search: the items and Camunda's page metadata.
type Result[T any] struct {
	Items       []T
	TotalItems  int64
	StartCursor string
	EndCursor   string
}

// kind describes one entity type to the generic search.
type kind[T any] struct {
	prefix byte
	fields map[string]field
	key    func(*T) int64
	// byInstance lists keys through the 'I' index when the filter pins
	// processInstanceKey (0: no such index).
	byInstance byte
}

func newKind[T any](prefix, byInstance byte, key func(*T) int64) *kind[T] {
	return &kind[T]{prefix: prefix, byInstance: byInstance, key: key, fields: fieldsOf(reflect.TypeFor[T]())}
}

var (
	definitionKind = newKind(kDefinition, 0, func(d *ProcessDefinition) int64 { return int64(d.ProcessDefinitionKey) })
	instanceKind   = newKind(kInstance, 0, func(p *storedInstance) int64 { return int64(p.ProcessInstanceKey) })
	elementKind    = newKind(kElement, kElement, func(e *ElementInstance) int64 { return int64(e.ElementInstanceKey) })
	variableKind   = newKind(kVariable, kVariable, func(v *Variable) int64 { return int64(v.VariableKey) })
	incidentKind   = newKind(kIncident, kIncident, func(i *Incident) int64 { return int64(i.IncidentKey) })
	jobKind        = newKind(kJob, kJob, func(j *Job) int64 { return int64(j.JobKey) })
)

// predicate is a compiled condition.
type predicate func(reflect.Value) bool

func (k *kind[T]) compile(conds []Condition) ([]predicate, error) {
	preds := make([]predicate, 0, len(conds))
	for _, c := range conds {
		f, ok := k.fields[c.Field]
		if !ok {
			return nil, fmt.Errorf("%w: unknown filter field %q", ErrInvalidQuery, c.Field)
		}
		p, err := compileCondition(f, c)
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	return preds, nil
}

func compileCondition(f field, c Condition) (predicate, error) {
	one := func() (value, error) { return f.parse(c.Field, c.Value) }
	cmp := func(test func(int) bool) (predicate, error) {
		want, err := one()
		if err != nil {
			return nil, err
		}
		return func(v reflect.Value) bool {
			got := f.get(v)
			return got.kind != 0 && test(compareValues(got, want))
		}, nil
	}
	switch c.Op {
	case "$eq", "":
		return cmp(func(n int) bool { return n == 0 })
	case "$neq":
		want, err := one()
		if err != nil {
			return nil, err
		}
		return func(v reflect.Value) bool { return compareValues(f.get(v), want) != 0 }, nil
	case "$gt":
		return cmp(func(n int) bool { return n > 0 })
	case "$gte":
		return cmp(func(n int) bool { return n >= 0 })
	case "$lt":
		return cmp(func(n int) bool { return n < 0 })
	case "$lte":
		return cmp(func(n int) bool { return n <= 0 })
	case "$exists":
		want, ok := c.Value.(bool)
		if !ok {
			return nil, fmt.Errorf("%w: filter %s: $exists takes true or false", ErrInvalidQuery, c.Field)
		}
		return func(v reflect.Value) bool { return (f.get(v).kind != 0) == want }, nil
	case "$like":
		pattern, ok := c.Value.(string)
		if !ok || f.typ.Kind() != reflect.String && f.typ.Elem().Kind() != reflect.String {
			return nil, fmt.Errorf("%w: filter %s: $like takes a string pattern on a string field", ErrInvalidQuery, c.Field)
		}
		return func(v reflect.Value) bool {
			got := f.get(v)
			return got.kind == 's' && like(pattern, got.s)
		}, nil
	case "$in", "$notIn":
		list, ok := c.Value.([]any)
		if !ok {
			return nil, fmt.Errorf("%w: filter %s: %s takes a list", ErrInvalidQuery, c.Field, c.Op)
		}
		wants := make([]value, 0, len(list))
		for _, x := range list {
			w, err := f.parse(c.Field, x)
			if err != nil {
				return nil, err
			}
			wants = append(wants, w)
		}
		in := c.Op == "$in"
		return func(v reflect.Value) bool {
			got := f.get(v)
			for _, w := range wants {
				if compareValues(got, w) == 0 {
					return in
				}
			}
			return !in
		}, nil
	}
	return nil, fmt.Errorf("%w: filter %s: unknown operator %q", ErrInvalidQuery, c.Field, c.Op)
}

// search runs q over every entity of kind k: it scans (or, with a pinned
// processInstanceKey, reads the instance's index), filters, sorts and
// pages in memory.
func search[T, O any](m *Model, k *kind[T], q Query, out func(*T) O) (Result[O], error) {
	preds, err := k.compile(q.Filter)
	if err != nil {
		return Result[O]{}, err
	}
	sorts := make([]field, len(q.Sort))
	for i, srt := range q.Sort {
		f, ok := k.fields[srt.Field]
		if !ok {
			return Result[O]{}, fmt.Errorf("%w: unknown sort field %q", ErrInvalidQuery, srt.Field)
		}
		sorts[i] = f
	}
	snap := m.db.NewSnapshot()
	defer snap.Close()
	type row struct {
		item T
		sort []value
		key  int64
	}
	var rows []row
	keep := func(item T) {
		if q.Partitions != nil && !slices.Contains(q.Partitions, record.PartitionOf(k.key(&item))) {
			return
		}
		rv := reflect.ValueOf(&item).Elem()
		for _, p := range preds {
			if !p(rv) {
				return
			}
		}
		r := row{item: item, key: k.key(&item), sort: make([]value, len(sorts))}
		for i, f := range sorts {
			r.sort[i] = f.get(rv)
		}
		rows = append(rows, r)
	}
	if err := k.scan(snap, q.Filter, keep); err != nil {
		return Result[O]{}, err
	}
	compare := func(asort []value, akey int64, bsort []value, bkey int64) int {
		return compareRows(q.Sort, asort, akey, bsort, bkey)
	}
	slices.SortFunc(rows, func(a, b row) int { return compare(a.sort, a.key, b.sort, b.key) })

	lo, hi, err := pageBounds(len(rows), q.Page, len(sorts), func(i int, c cursor) int {
		return compare(rows[i].sort, rows[i].key, c.Sort, c.Key)
	})
	if err != nil {
		return Result[O]{}, err
	}
	res := Result[O]{TotalItems: int64(len(rows)), Items: make([]O, 0, hi-lo)}
	for i := lo; i < hi; i++ {
		res.Items = append(res.Items, out(&rows[i].item))
	}
	if hi > lo {
		res.StartCursor = encodeCursor(rows[lo].sort, rows[lo].key)
		res.EndCursor = encodeCursor(rows[hi-1].sort, rows[hi-1].key)
	}
	return res, nil
}

// compareRows orders two rows by their sort values, then by key.
func compareRows(sorts []Sort, asort []value, akey int64, bsort []value, bkey int64) int {
	for i := range asort {
		c := compareValues(asort[i], bsort[i])
		if sorts[i].Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	switch {
	case akey < bkey:
		return -1
	case akey > bkey:
		return 1
	}
	return 0
}

// pageBounds returns the rows [lo, hi) of a sorted result of n rows that
// page p asks for; cmpTo compares row i with a cursor.
func pageBounds(n int, p Page, sorts int, cmpTo func(i int, c cursor) int) (lo, hi int, err error) {
	limit := p.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	switch {
	case p.After != "":
		c, err := decodeCursor(p.After, sorts)
		if err != nil {
			return 0, 0, err
		}
		lo = sort.Search(n, func(i int) bool { return cmpTo(i, c) > 0 })
		return lo, min(lo+limit, n), nil
	case p.Before != "":
		c, err := decodeCursor(p.Before, sorts)
		if err != nil {
			return 0, 0, err
		}
		hi = sort.Search(n, func(i int) bool { return cmpTo(i, c) >= 0 })
		return max(hi-limit, 0), hi, nil
	}
	lo = min(max(p.From, 0), n)
	return lo, min(lo+limit, n), nil
}

// scan calls fn with every stored entity that may match filter.
func (k *kind[T]) scan(r pebble.Reader, filter []Condition, fn func(T)) error {
	decode := func(data []byte) error {
		var item T
		if err := decode(data, &item); err != nil {
			return fmt.Errorf("readmodel: decode %c: %w", k.prefix, err)
		}
		fn(item)
		return nil
	}
	if pik, ok := pinnedInstance(filter); ok && k.byInstance != 0 {
		lo := append(entityKey(kByInstance, pik), k.byInstance)
		return iterate(r, lo, func(key, _ []byte) error {
			data, found, err := get(r, entityKey(k.prefix, int64(beUint64(key[len(lo):]))))
			if err != nil || !found {
				return err
			}
			return decode(data)
		})
	}
	return iterate(r, []byte{k.prefix}, func(_, v []byte) error { return decode(v) })
}

// pinnedInstance finds processInstanceKey $eq in a filter.
func pinnedInstance(filter []Condition) (int64, bool) {
	f := field{typ: keyType}
	for _, c := range filter {
		if c.Field == "processInstanceKey" && (c.Op == "$eq" || c.Op == "") {
			if v, err := f.parse(c.Field, c.Value); err == nil && v.kind == 'n' {
				return v.n, true
			}
		}
	}
	return 0, false
}

func iterate(r pebble.Reader, prefix []byte, fn func(key, value []byte) error) error {
	it, err := r.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return fmt.Errorf("readmodel: iterate: %w", err)
	}
	for valid := it.First(); valid; valid = it.Next() {
		v, err := it.ValueAndErr()
		if err == nil {
			err = fn(it.Key(), v)
		}
		if err != nil {
			it.Close()
			return err
		}
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("readmodel: iterate: %w", err)
	}
	return nil
}

// cursor is a position in a sorted result: the sort values and key of an
// item. Encoded as base64 JSON, opaque to clients.
type cursor struct {
	Sort []value
	Key  int64
}

type cursorJSON struct {
	K string     `json:"k"`
	S [][]string `json:"s"` // [kind, number or string]
}

func encodeCursor(sort []value, key int64) string {
	c := cursorJSON{K: fmt.Sprint(key), S: make([][]string, len(sort))}
	for i, v := range sort {
		switch v.kind {
		case 's':
			c.S[i] = []string{"s", v.s}
		case 0:
			c.S[i] = []string{""}
		default:
			c.S[i] = []string{string(v.kind), fmt.Sprint(v.n)}
		}
	}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string, sorts int) (cursor, error) {
	bad := fmt.Errorf("%w: page: the cursor %q is not one this search returned", ErrInvalidQuery, s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, bad
	}
	var c cursorJSON
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(&c); err != nil || len(c.S) != sorts {
		return cursor{}, bad
	}
	out := cursor{Sort: make([]value, sorts)}
	if _, err := fmt.Sscan(c.K, &out.Key); err != nil {
		return cursor{}, bad
	}
	for i, v := range c.S {
		switch {
		case len(v) == 1 && v[0] == "":
		case len(v) == 2 && v[0] == "s":
			out.Sort[i] = value{kind: 's', s: v[1]}
		case len(v) == 2 && (v[0] == "n" || v[0] == "b"):
			out.Sort[i].kind = v[0][0]
			if _, err := fmt.Sscan(v[1], &out.Sort[i].n); err != nil {
				return cursor{}, bad
			}
		default:
			return cursor{}, bad
		}
	}
	return out, nil
}
