package gateway

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway/command"
)

// setVariables answers PUT /v2/element-instances/{elementInstanceKey}/variables
// (Camunda's SetVariableRequest: variables, local).
func (s *Server) setVariables(c echo.Context) error {
	key, err := pathKey(c, "elementInstanceKey")
	if err != nil {
		return err
	}
	var body struct {
		Variables json.RawMessage `json:"variables"`
		Local     bool            `json:"local"`
	}
	if err := decodeBody(c, &body, true); err != nil {
		return err
	}
	if len(body.Variables) == 0 {
		return badField("variables", "expected a JSON object of variables, but it is missing")
	}
	vars, err := variablesMap("variables", body.Variables)
	if err != nil {
		return err
	}
	semantics := record.SemanticsPropagate
	if body.Local {
		semantics = record.SemanticsLocal
	}
	ctx, cancel := s.commandContext(c)
	defer cancel()
	_, err = command.Submit(ctx, s.cluster, partitionOfKey(key), record.VariableDocument, record.Update, -1,
		&record.VariableDocumentRecord{ScopeKey: key, UpdateSemantics: semantics, Variables: vars, TenantID: record.DefaultTenant})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
