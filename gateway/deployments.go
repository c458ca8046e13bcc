package gateway

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/shoalbpm/shoal/engine/record"
	"github.com/shoalbpm/shoal/gateway/command"
)

// deploymentPartition receives every deployment; the broker distributes it
// to the other partitions.
const deploymentPartition = 1

// deploymentResult is Camunda's DeploymentResult.
type deploymentResult struct {
	DeploymentKey jsonKey              `json:"deploymentKey"`
	TenantID      string               `json:"tenantId"`
	Deployments   []deploymentMetadata `json:"deployments"`
}

// deploymentMetadata is one deployed item; Shoal deploys processes only, so
// the other kinds are always null.
type deploymentMetadata struct {
	ProcessDefinition    *deployedProcess `json:"processDefinition"`
	DecisionDefinition   any              `json:"decisionDefinition"`
	DecisionRequirements any              `json:"decisionRequirements"`
	Form                 any              `json:"form"`
	Resource             any              `json:"resource"`
}

type deployedProcess struct {
	ProcessDefinitionID      string  `json:"processDefinitionId"`
	ProcessDefinitionVersion int32   `json:"processDefinitionVersion"`
	ResourceName             string  `json:"resourceName"`
	TenantID                 string  `json:"tenantId"`
	ProcessDefinitionKey     jsonKey `json:"processDefinitionKey"`
}

// createDeployment answers POST /v2/deployments: multipart/form-data with one
// or more `resources` file parts and an optional `tenantId`. All resources
// go in one DEPLOYMENT CREATE command, so the deployment is atomic.
func (s *Server) createDeployment(c echo.Context) error {
	resources, tenant, err := readDeploymentForm(c.Request())
	if err != nil {
		return err
	}
	ctx, cancel := s.commandContext(c)
	defer cancel()
	answer, err := command.Submit(ctx, s.cluster, deploymentPartition, record.Deployment, record.Create, -1,
		&record.DeploymentRecord{Resources: resources, TenantID: tenant})
	if err != nil {
		return err
	}
	dep, ok := answer.Value.(*record.DeploymentRecord)
	if !ok {
		return fmt.Errorf("deployment answered with %T", answer.Value)
	}
	out := deploymentResult{
		DeploymentKey: jsonKey(deploymentKey(answer, dep)),
		TenantID:      tenantOr(dep.TenantID),
		Deployments:   make([]deploymentMetadata, 0, len(dep.ProcessesMetadata)),
	}
	for _, p := range dep.ProcessesMetadata {
		out.Deployments = append(out.Deployments, deploymentMetadata{ProcessDefinition: &deployedProcess{
			ProcessDefinitionID:      p.BpmnProcessID,
			ProcessDefinitionVersion: p.Version,
			ResourceName:             p.ResourceName,
			TenantID:                 tenantOr(p.TenantID),
			ProcessDefinitionKey:     jsonKey(p.ProcessDefinitionKey),
		}})
	}
	writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, out)
	return nil
}

func deploymentKey(answer record.Record, dep *record.DeploymentRecord) int64 {
	if dep.DeploymentKey > 0 {
		return dep.DeploymentKey
	}
	return answer.Key
}

// readDeploymentForm reads the multipart form. File parts may come without a
// content type, as application/octet-stream or application/xml; the
// filename (a bare name) is the resource name.
func readDeploymentForm(req *http.Request) ([]record.Resource, string, error) {
	mr, err := req.MultipartReader()
	if err != nil {
		return nil, "", badField("resources", "expected a multipart/form-data body with one or more `resources` files (%v)", err)
	}
	var (
		resources []record.Resource
		tenant    string
	)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", formError(err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, "", formError(err)
		}
		switch name := part.FormName(); name {
		case "resources", "resource":
			fileName := path.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
			if part.FileName() == "" {
				return nil, "", badField("resources", "expected every resource part to carry a filename, but one has none")
			}
			resources = append(resources, record.Resource{ResourceName: fileName, Resource: data})
		case "tenantId":
			tenant = strings.TrimSpace(string(data))
		default:
			return nil, "", badField(name, "unknown form field %q; expected `resources` (files) and optionally `tenantId`", name)
		}
	}
	if len(resources) == 0 {
		return nil, "", badField("resources", "expected at least one resource file, but got none")
	}
	if err := checkTenant("tenantId", tenant); err != nil {
		return nil, "", err
	}
	return resources, record.DefaultTenant, nil
}

func formError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errRequestTooLarge
	}
	return badField("resources", "expected a well-formed multipart/form-data body, but reading it failed: %v", err)
}

// checkTenant accepts the default tenant only: Shoal is single-tenant.
func checkTenant(field, tenant string) error {
	if tenant == "" || tenant == record.DefaultTenant {
		return nil
	}
	return badField(field, "expected the default tenant %q (multi-tenancy is not enabled), but got %q", record.DefaultTenant, tenant)
}

func tenantOr(t string) string {
	if t == "" {
		return record.DefaultTenant
	}
	return t
}
