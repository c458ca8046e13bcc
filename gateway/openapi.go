package gateway

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPIDocument describes exactly the routes of server.go; openapi_test.go
// checks both directions (every route documented, every documented path
// served).
//
//go:embed openapi.json
var openAPIDocument []byte

// getOpenAPI answers GET /v2/openapi.json.
func (s *Server) getOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openAPIDocument)
}
