package gateway

import (
	"encoding/json"

	"github.com/labstack/echo/v4"

	"github.com/shoalbpm/shoal/engine/record"
)

// resolveIncident answers POST /v2/incidents/{incidentKey}/resolution. The
// body is optional (Camunda's SDK sends none, with a JSON content type).
func (s *Server) resolveIncident(c echo.Context) error {
	key, err := pathKey(c, "incidentKey")
	if err != nil {
		return err
	}
	var body struct {
		OperationReference json.RawMessage `json:"operationReference"`
	}
	if err := decodeBody(c, &body, false); err != nil {
		return err
	}
	return s.submitNoContent(c, key, record.Incident, record.Resolve, &record.IncidentRecord{})
}
