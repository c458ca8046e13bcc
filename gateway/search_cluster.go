package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
)

// Searches in a cluster. Each node's read model holds the partitions the
// node replicates. A gateway whose read model lacks some partitions asks,
// for each missing partition, a node that replicates it (from the
// topology: its gateway's HTTP address), with the header
// partitionsHeader naming the partitions it must answer for, and merges
// the parts (readmodel.PartQuery, readmodel.Merge: offsets and cursors stay
// exact). A request carrying the header is answered locally only, so a
// search is forwarded at most once. Gets and feeds of a key go to a node
// replicating the key's partition.
//
// Definition statistics are summed over the nodes. Not merged across
// nodes yet: the definition feed carries only the partitions of the node
// asked.

// partitionsHeader restricts a search to some partitions (comma separated).
const partitionsHeader = "X-Shoal-Partitions"

// remoteParts maps each partition the local read model lacks to the HTTP
// address of a node that replicates it, grouped by node. Empty when the
// local read model holds every partition.
func (s *Server) remoteParts(m *readmodel.Model) (map[string][]int32, error) {
	local := m.Partitions()
	if local == nil {
		return nil, nil
	}
	topo := s.cluster.Topology()
	out := map[string][]int32{}
	for id := int32(1); id <= topo.PartitionsCount; id++ {
		if slices.Contains(local, id) {
			continue
		}
		addr := ""
		for _, b := range topo.Brokers {
			for _, p := range b.Partitions {
				if p.PartitionID == id && p.Health == "healthy" && addr == "" {
					addr = "http://" + b.Host + ":" + strconv.Itoa(int(b.Port))
				}
			}
		}
		if addr == "" {
			return nil, fmt.Errorf("%w: no healthy node replicates partition %d for the search", errNoReadModel, id)
		}
		out[addr] = append(out[addr], id)
	}
	return out, nil
}

// headerPartitions reads partitionsHeader (nil when absent).
func headerPartitions(c echo.Context) ([]int32, error) {
	h := c.Request().Header.Get(partitionsHeader)
	if h == "" {
		return nil, nil
	}
	var out []int32
	for _, f := range strings.Split(h, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 32)
		if err != nil || n <= 0 {
			return nil, badField(partitionsHeader, "expected partition ids separated by commas, but got %q", h)
		}
		out = append(out, int32(n))
	}
	return out, nil
}

// searchCluster runs q on the local read model and, for the partitions it
// lacks, on other nodes, and merges the answers.
func searchCluster[T any](s *Server, c echo.Context, m *readmodel.Model, q readmodel.Query,
	run func(*readmodel.Model, readmodel.Query) (readmodel.Result[T], error), key func(*T) int64) (readmodel.Result[T], error) {
	remote, err := s.remoteParts(m)
	if err != nil || len(remote) == 0 {
		if err != nil {
			return readmodel.Result[T]{}, err
		}
		return run(m, q)
	}
	local, err := run(m, readmodel.PartQuery(q, m.Partitions()))
	if err != nil {
		return local, err
	}
	parts := []readmodel.Result[T]{local}
	addrs := make([]string, 0, len(remote))
	for a := range remote {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, addr := range addrs {
		part, err := remoteSearch[T](s, c, addr, readmodel.PartQuery(q, remote[addr]))
		if err != nil {
			return readmodel.Result[T]{}, err
		}
		parts = append(parts, part)
	}
	return readmodel.Merge(q, key, parts...)
}

// remoteSearch asks the gateway at addr for one part of a search.
func remoteSearch[T any](s *Server, c echo.Context, addr string, q readmodel.Query) (readmodel.Result[T], error) {
	body, err := json.Marshal(queryJSON(q))
	if err != nil {
		return readmodel.Result[T]{}, err
	}
	var a searchAnswer[T]
	status, err := s.remoteCall(c, addr, q.Partitions, body, &a)
	if err != nil {
		return readmodel.Result[T]{}, err
	}
	if status != http.StatusOK {
		return readmodel.Result[T]{}, fmt.Errorf("search on %s: status %d", addr, status)
	}
	return readmodel.Result[T]{Items: a.Items, TotalItems: a.Page.TotalItems}, nil
}

// remoteCall posts body to the same path on the gateway at addr, for the
// given partitions, and decodes a 200 answer into out. A 404 is returned
// as a status; other failures as errors.
func (s *Server) remoteCall(c echo.Context, addr string, partitions []int32, body []byte, out any) (int, error) {
	ctx, cancel := s.commandContext(c)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, addr+c.Request().URL.Path, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	ids := make([]string, len(partitions))
	for i, p := range partitions {
		ids[i] = strconv.Itoa(int(p))
	}
	req.Header.Set(partitionsHeader, strings.Join(ids, ","))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s on %s: %w", c.Request().URL.Path, addr, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return 0, fmt.Errorf("%s on %s: %w", c.Request().URL.Path, addr, err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
		if err := json.Unmarshal(data, out); err != nil {
			return 0, fmt.Errorf("%s on %s: %w", c.Request().URL.Path, addr, err)
		}
		return resp.StatusCode, nil
	case http.StatusNotFound:
		return resp.StatusCode, nil
	}
	return 0, fmt.Errorf("%s on %s: status %d: %.300s", c.Request().URL.Path, addr, resp.StatusCode, data)
}

// queryJSON writes a query back in Camunda's request shape.
func queryJSON(q readmodel.Query) map[string]any {
	filter := map[string]map[string]any{}
	for _, c := range q.Filter {
		if filter[c.Field] == nil {
			filter[c.Field] = map[string]any{}
		}
		filter[c.Field][c.Op] = c.Value
	}
	sorts := make([]map[string]string, len(q.Sort))
	for i, s := range q.Sort {
		order := "ASC"
		if s.Desc {
			order = "DESC"
		}
		sorts[i] = map[string]string{"field": s.Field, "order": order}
	}
	page := map[string]any{"limit": q.Page.Limit}
	switch {
	case q.Page.After != "":
		page["after"] = q.Page.After
	case q.Page.Before != "":
		page["before"] = q.Page.Before
	default:
		page["from"] = q.Page.From
	}
	return map[string]any{"filter": filter, "sort": sorts, "page": page}
}

// forwardKey proxies a get or a feed of key to a node that replicates the
// key's partition, when the local read model does not; ok is false when
// the local read model holds it.
func (s *Server) forwardKey(c echo.Context, m *readmodel.Model, key int64) (ok bool, err error) {
	local := m.Partitions()
	pid := partitionOfKey(key)
	if local == nil || slices.Contains(local, pid) || c.Request().Header.Get(partitionsHeader) != "" {
		return false, nil
	}
	remote, err := s.remoteParts(m)
	if err != nil {
		return true, err
	}
	for addr, ids := range remote {
		if slices.Contains(ids, pid) {
			target, err := url.Parse(addr)
			if err != nil {
				return true, err
			}
			proxy := &httputil.ReverseProxy{
				Rewrite: func(r *httputil.ProxyRequest) {
					r.SetURL(target)
					r.Out.Header.Set(partitionsHeader, strconv.Itoa(int(pid)))
				},
				FlushInterval: -1, // feeds stream
			}
			proxy.ServeHTTP(c.Response(), c.Request())
			return true, nil
		}
	}
	return true, fmt.Errorf("%w: partition %d", readmodel.ErrNotFound, pid)
}

// clusterStatistics adds the definition statistics of the nodes that
// replicate the partitions the local read model lacks to the local ones
// (local, localErr). The definition is unknown only if no node knows it.
func (s *Server) clusterStatistics(c echo.Context, m *readmodel.Model, local []readmodel.ElementStatistics, localErr error) ([]readmodel.ElementStatistics, error) {
	remote, err := s.remoteParts(m)
	if err != nil {
		return nil, err
	}
	if len(remote) == 0 || localErr != nil && !errors.Is(localErr, readmodel.ErrNotFound) {
		return local, localErr
	}
	sum := map[string]readmodel.ElementStatistics{}
	add := func(items []readmodel.ElementStatistics) {
		for _, it := range items {
			a := sum[it.ElementID]
			a.ElementID = it.ElementID
			a.Active += it.Active
			a.Completed += it.Completed
			a.Canceled += it.Canceled
			a.Incidents += it.Incidents
			sum[it.ElementID] = a
		}
	}
	found := localErr == nil
	add(local)
	for addr, ids := range remote {
		var part statisticsAnswer
		status, err := s.remoteCall(c, addr, ids, []byte("{}"), &part)
		if err != nil {
			return nil, err
		}
		if status == http.StatusNotFound {
			continue
		}
		found = true
		add(part.Items)
	}
	if !found {
		return nil, localErr
	}
	out := make([]readmodel.ElementStatistics, 0, len(sum))
	for _, v := range sum {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b readmodel.ElementStatistics) int { return strings.Compare(a.ElementID, b.ElementID) })
	return out, nil
}
