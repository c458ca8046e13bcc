package gateway

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/shoalbpm/shoal/broker/exporter/readmodel"
)

// searchRoutes are the read model's endpoints: Camunda's searches and gets,
// Camunda's element statistics, and Shoal's timeline and live feeds.
var searchRoutes = []route{
	{http.MethodPost, "/v2/process-definitions/search", (*Server).searchProcessDefinitions},
	{http.MethodGet, "/v2/process-definitions/:processDefinitionKey", (*Server).getProcessDefinition},
	{http.MethodGet, "/v2/process-definitions/:processDefinitionKey/xml", (*Server).getProcessDefinitionXML},
	{http.MethodPost, "/v2/process-definitions/:processDefinitionKey/statistics/element-instances", (*Server).getDefinitionStatistics},
	{http.MethodGet, "/v2/process-definitions/:processDefinitionKey/feed", (*Server).feedProcessDefinition},
	{http.MethodPost, "/v2/process-instances/search", (*Server).searchProcessInstances},
	{http.MethodGet, "/v2/process-instances/:processInstanceKey", (*Server).getProcessInstance},
	{http.MethodGet, "/v2/process-instances/:processInstanceKey/statistics/element-instances", (*Server).getInstanceStatistics},
	{http.MethodGet, "/v2/process-instances/:processInstanceKey/timeline", (*Server).getInstanceTimeline},
	{http.MethodGet, "/v2/process-instances/:processInstanceKey/feed", (*Server).feedProcessInstance},
	{http.MethodPost, "/v2/element-instances/search", (*Server).searchElementInstances},
	{http.MethodGet, "/v2/element-instances/:elementInstanceKey", (*Server).getElementInstance},
	{http.MethodPost, "/v2/variables/search", (*Server).searchVariables},
	{http.MethodGet, "/v2/variables/:variableKey", (*Server).getVariable},
	{http.MethodPost, "/v2/incidents/search", (*Server).searchIncidents},
	{http.MethodGet, "/v2/incidents/:incidentKey", (*Server).getIncident},
	{http.MethodPost, "/v2/jobs/search", (*Server).searchJobs},
}

// searchWith parses the request and runs one of the model's searches, over
// the partitions of the request's partitionsHeader, or over every
// partition (search_cluster.go).
func searchWith[T any](s *Server, c echo.Context, run func(*readmodel.Model, readmodel.Query) (readmodel.Result[T], error), key func(*T) int64) error {
	m, err := s.readModel()
	if err != nil {
		return err
	}
	q, err := parseSearch(c)
	if err != nil {
		return err
	}
	if q.Partitions, err = headerPartitions(c); err != nil {
		return err
	}
	if q.Partitions != nil {
		r, err := run(m, q)
		return writeSearch(c, r, err)
	}
	r, err := searchCluster(s, c, m, q, run, key)
	return writeSearch(c, r, err)
}

// getWith reads a key from the path and gets one entity.
func getWith[T any](s *Server, c echo.Context, param string, get func(*readmodel.Model, int64) (T, error)) error {
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
	v, err := get(m, key)
	return writeItem(c, v, err)
}

func (s *Server) searchProcessDefinitions(c echo.Context) error {
	return searchWith(s, c, (*readmodel.Model).SearchProcessDefinitions, readmodel.DefinitionKey)
}

func (s *Server) searchProcessInstances(c echo.Context) error {
	return searchWith(s, c, (*readmodel.Model).SearchProcessInstances, readmodel.InstanceKey)
}

func (s *Server) searchElementInstances(c echo.Context) error {
	return searchWith(s, c, (*readmodel.Model).SearchElementInstances, readmodel.ElementInstanceKey)
}

// searchVariables answers POST /v2/variables/search; values over the
// preview size are cut (isTruncated); GET /v2/variables/{key} has the whole.
func (s *Server) searchVariables(c echo.Context) error {
	return searchWith(s, c, (*readmodel.Model).SearchVariables, readmodel.VariableKey)
}

func (s *Server) searchIncidents(c echo.Context) error {
	return searchWith(s, c, (*readmodel.Model).SearchIncidents, readmodel.IncidentKey)
}

func (s *Server) searchJobs(c echo.Context) error {
	return searchWith(s, c, (*readmodel.Model).SearchJobs, readmodel.JobKey)
}

func (s *Server) getProcessDefinition(c echo.Context) error {
	return getWith(s, c, "processDefinitionKey", (*readmodel.Model).ProcessDefinition)
}

func (s *Server) getProcessInstance(c echo.Context) error {
	return getWith(s, c, "processInstanceKey", (*readmodel.Model).ProcessInstance)
}

func (s *Server) getElementInstance(c echo.Context) error {
	return getWith(s, c, "elementInstanceKey", (*readmodel.Model).ElementInstance)
}

// getVariable answers GET /v2/variables/{variableKey} with the full value.
func (s *Server) getVariable(c echo.Context) error {
	return getWith(s, c, "variableKey", (*readmodel.Model).Variable)
}

func (s *Server) getIncident(c echo.Context) error {
	return getWith(s, c, "incidentKey", (*readmodel.Model).Incident)
}

// getProcessDefinitionXML answers with the BPMN file as deployed (text/xml).
func (s *Server) getProcessDefinitionXML(c echo.Context) error {
	m, err := s.readModel()
	if err != nil {
		return err
	}
	key, err := pathKey(c, "processDefinitionKey")
	if err != nil {
		return err
	}
	if done, err := s.forwardKey(c, m, key); done || err != nil {
		return err
	}
	xml, err := m.ProcessDefinitionXML(key)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "text/xml", xml)
}

// statisticsAnswer is Camunda's ProcessDefinitionElementStatisticsQueryResult
// (and ProcessInstanceElementStatisticsQueryResult): {items: [...]}.
type statisticsAnswer struct {
	Items []readmodel.ElementStatistics `json:"items"`
}

// getDefinitionStatistics answers POST
// /v2/process-definitions/{key}/statistics/element-instances, summed over
// the nodes that replicate the partitions the local read model lacks.
// Camunda lets
// the body filter the instances counted; Shoal counts all of them (kept as
// counters), so a non-empty filter is refused rather than ignored.
func (s *Server) getDefinitionStatistics(c echo.Context) error {
	m, err := s.readModel()
	if err != nil {
		return err
	}
	key, err := pathKey(c, "processDefinitionKey")
	if err != nil {
		return err
	}
	var body struct {
		Filter json.RawMessage `json:"filter"`
	}
	if err := decodeBody(c, &body, false); err != nil {
		return err
	}
	if f := bytes.TrimSpace(body.Filter); len(f) > 0 && !bytes.Equal(f, []byte("{}")) && !bytes.Equal(f, []byte("null")) {
		return badField("filter", "expected no filter: Shoal counts every instance of the definition")
	}
	items, err := m.DefinitionStatistics(key)
	if c.Request().Header.Get(partitionsHeader) == "" {
		items, err = s.clusterStatistics(c, m, items, err)
	}
	return writeItem(c, statisticsAnswer{Items: nonNil(items)}, err)
}

// getInstanceStatistics answers GET
// /v2/process-instances/{key}/statistics/element-instances.
func (s *Server) getInstanceStatistics(c echo.Context) error {
	return getWith(s, c, "processInstanceKey", func(m *readmodel.Model, key int64) (statisticsAnswer, error) {
		items, err := m.InstanceStatistics(key)
		return statisticsAnswer{Items: nonNil(items)}, err
	})
}

// timelineAnswer is Shoal's timeline: every element instance of a process
// instance, by start date, in the ElementInstanceResult shape.
type timelineAnswer struct {
	Items []readmodel.ElementInstance `json:"items"`
}

// getInstanceTimeline answers GET /v2/process-instances/{key}/timeline
// (Shoal extension).
func (s *Server) getInstanceTimeline(c echo.Context) error {
	return getWith(s, c, "processInstanceKey", func(m *readmodel.Model, key int64) (timelineAnswer, error) {
		items, err := m.Timeline(key)
		return timelineAnswer{Items: nonNil(items)}, err
	})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
