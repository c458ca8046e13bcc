package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
)

// The search endpoints answer from the node's read model
// (broker/exporter/readmodel), with Camunda 8 REST v2 request and answer
// shapes: SearchQueryRequest {filter, sort: [{field, order}], page: {limit,
// from | after | before}} and {items, page: {totalItems, startCursor,
// endCursor, hasMoreTotalItems}}.

// errNoReadModel answers searches on a gateway started without a read model.
var errNoReadModel = errors.New("gateway: no read model on this node")

// maxSearchLimit caps page.limit (Camunda's limit is at most 10,000).
const maxSearchLimit = 10_000

type searchRequest struct {
	Filter json.RawMessage `json:"filter"`
	Sort   []struct {
		Field string `json:"field"`
		Order string `json:"order"`
	} `json:"sort"`
	Page struct {
		Limit  *int   `json:"limit"`
		From   *int   `json:"from"`
		After  string `json:"after"`
		Before string `json:"before"`
	} `json:"page"`
}

// searchPage is Camunda's SearchQueryPageResponse.
type searchPage struct {
	TotalItems        int64   `json:"totalItems"`
	StartCursor       *string `json:"startCursor"`
	EndCursor         *string `json:"endCursor"`
	HasMoreTotalItems bool    `json:"hasMoreTotalItems"`
}

type searchAnswer[T any] struct {
	Items []T        `json:"items"`
	Page  searchPage `json:"page"`
}

// readModel returns the node's read model or errNoReadModel.
func (s *Server) readModel() (*readmodel.Model, error) {
	if s.cfg.ReadModel == nil {
		return nil, errNoReadModel
	}
	return s.cfg.ReadModel, nil
}

// parseSearch reads a SearchQueryRequest (the body may be empty: everything,
// first page).
func parseSearch(c echo.Context) (readmodel.Query, error) {
	var req searchRequest
	if err := decodeBody(c, &req, false); err != nil {
		return readmodel.Query{}, err
	}
	var q readmodel.Query
	var err error
	if q.Filter, err = parseFilter(req.Filter); err != nil {
		return q, err
	}
	for i, srt := range req.Sort {
		if srt.Field == "" {
			return q, badField(fmt.Sprintf("sort[%d].field", i), "expected a field name, but it is missing")
		}
		switch strings.ToUpper(srt.Order) {
		case "", "ASC":
			q.Sort = append(q.Sort, readmodel.Sort{Field: srt.Field})
		case "DESC":
			q.Sort = append(q.Sort, readmodel.Sort{Field: srt.Field, Desc: true})
		default:
			return q, badField(fmt.Sprintf("sort[%d].order", i), "expected ASC or DESC, but got %q", srt.Order)
		}
	}
	p := req.Page
	if p.Limit != nil {
		if *p.Limit < 0 || *p.Limit > maxSearchLimit {
			return q, badField("page.limit", "expected a limit from 0 to %d, but got %d", maxSearchLimit, *p.Limit)
		}
		q.Page.Limit = *p.Limit
	}
	if p.From != nil {
		if *p.From < 0 {
			return q, badField("page.from", "expected an offset of 0 or more, but got %d", *p.From)
		}
		q.Page.From = *p.From
	}
	set := 0
	for _, b := range []bool{p.From != nil, p.After != "", p.Before != ""} {
		if b {
			set++
		}
	}
	if set > 1 {
		return q, badField("page", "expected at most one of from, after and before, but got %d", set)
	}
	q.Page.After, q.Page.Before = p.After, p.Before
	return q, nil
}

// parseFilter turns a Camunda filter object into conditions: a plain value
// is $eq; an object of operators ({"$gte": ..., "$lt": ...}) gives one
// condition per operator. Numbers keep their digits (keys exceed float64).
func parseFilter(raw json.RawMessage) ([]readmodel.Condition, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(t))
	d.UseNumber()
	var obj map[string]any
	if err := d.Decode(&obj); err != nil {
		return nil, badField("filter", "expected a JSON object, but got %.60s", t)
	}
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	sort.Strings(names) // the same request gives the same error
	var out []readmodel.Condition
	for _, name := range names {
		v := obj[name]
		ops, ok := v.(map[string]any)
		if !ok {
			out = append(out, readmodel.Condition{Field: name, Op: "$eq", Value: v})
			continue
		}
		opNames := make([]string, 0, len(ops))
		for op := range ops {
			opNames = append(opNames, op)
		}
		sort.Strings(opNames)
		for _, op := range opNames {
			if !strings.HasPrefix(op, "$") {
				return nil, badField("filter."+name, "expected a value or an object of operators ($eq, $in, $gt, ...), but got key %q", op)
			}
			out = append(out, readmodel.Condition{Field: name, Op: op, Value: ops[op]})
		}
	}
	return out, nil
}

// writeSearch writes a page of results in Camunda's answer shape.
func writeSearch[T any](c echo.Context, r readmodel.Result[T], err error) error {
	if err != nil {
		return searchError(err)
	}
	a := searchAnswer[T]{Items: r.Items, Page: searchPage{TotalItems: r.TotalItems}}
	if a.Items == nil {
		a.Items = []T{}
	}
	if r.StartCursor != "" {
		a.Page.StartCursor, a.Page.EndCursor = &r.StartCursor, &r.EndCursor
	}
	writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, a)
	return nil
}

// writeItem writes one entity, or the error of getting it.
func writeItem[T any](c echo.Context, v T, err error) error {
	if err != nil {
		return searchError(err)
	}
	writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, v)
	return nil
}

// searchError turns a bad query into a 400 naming the problem; other
// errors (ErrNotFound, storage) go to the problem table as they are.
func searchError(err error) error {
	if errors.Is(err, readmodel.ErrInvalidQuery) {
		return badField("", "%s", strings.TrimPrefix(err.Error(), readmodel.ErrInvalidQuery.Error()+": "))
	}
	return err
}
