package gateway

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
)

// feedHeartbeat is how often an idle feed sends a comment line, so that
// proxies and browsers keep the connection.
var feedHeartbeat = 15 * time.Second

// feedProcessInstance answers GET /v2/process-instances/{key}/feed (Shoal
// extension): server-sent events, one per change of the instance, its
// element instances, variables, incidents and jobs.
func (s *Server) feedProcessInstance(c echo.Context) error {
	return s.feed(c, "processInstanceKey", (*readmodel.Model).WatchProcessInstance)
}

// feedProcessDefinition answers GET /v2/process-definitions/{key}/feed:
// the changes of every instance of the definition.
func (s *Server) feedProcessDefinition(c echo.Context) error {
	return s.feed(c, "processDefinitionKey", (*readmodel.Model).WatchProcessDefinition)
}

// feed streams text/event-stream: a comment once subscribed (changes from
// then on are delivered, so a client subscribes first and then queries),
// then "event: <kind>" (processInstance, elementInstance, variable,
// incident, job) with the entity's JSON as data. A client too slow to keep
// up gets "event: lagged" and the end of the stream: query again, then
// resubscribe.
func (s *Server) feed(c echo.Context, param string, watch func(*readmodel.Model, int64) *readmodel.Subscription) error {
	m, err := s.readModel()
	if err != nil {
		return err
	}
	key, err := pathKey(c, param)
	if err != nil {
		return err
	}
	if done, err := s.forwardKey(c, m, key); done || err != nil {
		return err
	}
	sub := watch(m, key)
	defer sub.Close()
	w := c.Response()
	rc := http.NewResponseController(w.Writer)
	_ = rc.SetWriteDeadline(time.Time{}) // the feed outlives any write timeout
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	buf := bufio.NewWriter(w)
	fmt.Fprintf(buf, ": subscribed to %s %d\n\n", param, key)
	if buf.Flush() != nil || rc.Flush() != nil {
		return nil
	}
	heartbeat := time.NewTicker(feedHeartbeat)
	defer heartbeat.Stop()
	ctx := c.Request().Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-heartbeat.C:
			fmt.Fprint(buf, ": heartbeat\n\n")
		case ch, ok := <-sub.C:
			if !ok {
				if sub.Lagged() {
					fmt.Fprint(buf, "event: lagged\ndata: {}\n\n")
					_ = buf.Flush()
					_ = rc.Flush()
				}
				return nil
			}
			if err := writeEvent(buf, ch); err != nil {
				return fmt.Errorf("feed %s %d: %w", param, key, err)
			}
			// Send what is queued together, then flush once.
			for more := len(sub.C); more > 0; more-- {
				ch, ok := <-sub.C
				if !ok {
					break
				}
				if err := writeEvent(buf, ch); err != nil {
					return fmt.Errorf("feed %s %d: %w", param, key, err)
				}
			}
		}
		if buf.Flush() != nil || rc.Flush() != nil {
			return nil
		}
	}
}

// writeEvent writes one change as a server-sent event; the data is one
// line of JSON (encoding/json never writes a raw newline), HTML characters
// unescaped as in every answer of the gateway.
func writeEvent(w *bufio.Writer, ch readmodel.Change) error {
	fmt.Fprintf(w, "event: %s\ndata: ", ch.Kind)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ch.Item); err != nil { // ends with a newline
		return err
	}
	_, err := w.WriteString("\n")
	return err
}
