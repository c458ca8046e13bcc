package deployment

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"github.com/shoalbpm/shoal/bpmn"
	"github.com/shoalbpm/shoal/engine/distribution"
	"github.com/shoalbpm/shoal/engine/proc"
	"github.com/shoalbpm/shoal/engine/record"
)

// DeploymentPartition is the partition that takes deployments and
// distributes them to the others (Zeebe's Protocol.DEPLOYMENT_PARTITION).
const DeploymentPartition = 1

// Register routes the deployment commands.
func Register(r *proc.Router) {
	r.On(record.Deployment, record.Create, proc.ProcessorFunc(create))
}

// compiled is one process of the deployment, ready to be stored.
type compiled struct {
	graph    *bpmn.Graph
	resource *record.Resource
	checksum []byte
}

func create(c *proc.Context) error {
	d, ok := c.Cmd.Value.(*record.DeploymentRecord)
	if !ok {
		return c.Reject(record.InvalidArgument, "Expected a deployment record, but got %T", c.Cmd.Value)
	}
	if distribution.IsDistributed(c) {
		return createDistributed(c, d)
	}
	if c.PartitionCount() > 1 && c.Partition() != DeploymentPartition {
		// Versions are numbered on one partition only: two partitions
		// numbering them would give one version two keys.
		return c.Reject(record.InvalidArgument, "Expected to deploy on partition %d, the deployment partition, but this is partition %d", DeploymentPartition, c.Partition())
	}
	if len(d.Resources) == 0 {
		return c.Reject(record.InvalidArgument, "Expected to deploy at least one resource, but none given")
	}
	procs, problems := compileAll(c, d.Resources)
	if len(problems) > 0 {
		return c.Reject(record.InvalidArgument, "Expected to deploy new resources, but encountered the following errors:\n%s", strings.Join(problems, "\n"))
	}
	out := *d
	out.TenantID = record.DefaultTenant
	out.DeploymentKey = c.NextKey()
	out.ProcessesMetadata = make([]record.ProcessMetadata, 0, len(procs))
	var created []*record.ProcessRecord
	for _, p := range procs {
		meta, rec, err := version(c, p, out.DeploymentKey)
		if err != nil {
			return err
		}
		out.ProcessesMetadata = append(out.ProcessesMetadata, meta)
		if rec != nil {
			created = append(created, rec)
		}
	}
	for i, rec := range created {
		if _, err := c.Event(rec.ProcessDefinitionKey, record.Created, rec); err != nil {
			return err
		}
		c.Graphs.Put(rec.ProcessDefinitionKey, rec.Version, findGraph(procs, created[i].BpmnProcessID))
	}
	r, err := c.Event(out.DeploymentKey, record.Created, &out)
	if err != nil {
		return err
	}
	c.Respond(r)
	return distribution.Distribute(c, record.Create, &out)
}

// createDistributed stores a deployment distributed from the partition that
// created it, with its keys and versions, and acknowledges it. A process is
// created when its key is unknown here, whatever the duplicate flag says
// (an earlier distribution may not have arrived yet); a deployment already
// stored is only acknowledged again (the sender retries until it hears).
func createDistributed(c *proc.Context, d *record.DeploymentRecord) error {
	if d.DeploymentKey == 0 {
		return c.Reject(record.InvalidArgument, "Expected a distributed deployment to carry its deployment key, but it has none")
	}
	known, err := c.State.HasDeployment(d.DeploymentKey)
	if err != nil {
		return err
	}
	if !known {
		for i := range d.ProcessesMetadata {
			if err := createDistributedProcess(c, d, &d.ProcessesMetadata[i]); err != nil {
				return err
			}
		}
		r, err := c.Event(d.DeploymentKey, record.Created, d)
		if err != nil {
			return err
		}
		c.Respond(r)
	} else {
		c.Respond(c.Cmd)
	}
	distribution.Acknowledge(c)
	return nil
}

func createDistributedProcess(c *proc.Context, d *record.DeploymentRecord, m *record.ProcessMetadata) error {
	prev, err := c.State.GetProcess(m.ProcessDefinitionKey)
	if err != nil || prev != nil {
		return err
	}
	var res *record.Resource
	for i := range d.Resources {
		if d.Resources[i].ResourceName == m.ResourceName {
			res = &d.Resources[i]
		}
	}
	if res == nil {
		return fmt.Errorf("distributed deployment %d: no resource %q for process %s", d.DeploymentKey, m.ResourceName, m.BpmnProcessID)
	}
	_, err = c.Event(m.ProcessDefinitionKey, record.Created, &record.ProcessRecord{
		BpmnProcessID: m.BpmnProcessID, Version: m.Version, ProcessDefinitionKey: m.ProcessDefinitionKey,
		ResourceName: m.ResourceName, Checksum: m.Checksum, Resource: res.Resource,
		DeploymentKey: d.DeploymentKey, TenantID: m.TenantID,
	})
	return err
}

func findGraph(procs []compiled, id string) *bpmn.Graph {
	for _, p := range procs {
		if p.graph.ProcessID == id {
			return p.graph
		}
	}
	return nil
}

// compileAll compiles every resource and lists the problems, each prefixed
// with its resource name as Zeebe does.
func compileAll(c *proc.Context, resources []record.Resource) ([]compiled, []string) {
	var procs []compiled
	var problems []string
	seen := map[string]string{} // process id -> resource name
	for i := range resources {
		res := &resources[i]
		if !strings.HasSuffix(res.ResourceName, ".bpmn") && !strings.HasSuffix(res.ResourceName, ".xml") {
			problems = append(problems, fmt.Sprintf("'%s': Expected the resource to be a BPMN file (.bpmn or .xml), but it is not", res.ResourceName))
			continue
		}
		dep, err := c.Graphs.Compile(res.Resource)
		if err != nil {
			var list bpmn.ErrorList
			if !errors.As(err, &list) {
				list = bpmn.ErrorList{{Msg: err.Error()}}
			}
			for _, e := range list {
				problems = append(problems, fmt.Sprintf("'%s': %v", res.ResourceName, e))
			}
			continue
		}
		sum := sha256.Sum256(res.Resource)
		for _, g := range dep.Processes {
			if other, dup := seen[g.ProcessID]; dup {
				problems = append(problems, fmt.Sprintf("Expected the process ids to be unique within a deployment but found a duplicated id '%s' in the resources '%s' and '%s'.", g.ProcessID, other, res.ResourceName))
				continue
			}
			seen[g.ProcessID] = res.ResourceName
			procs = append(procs, compiled{graph: g, resource: res, checksum: sum[:]})
		}
	}
	return procs, problems
}

// version decides a process's version and key: an unchanged resource keeps
// the latest version (duplicate, no PROCESS record), a changed one gets the
// next version.
func version(c *proc.Context, p compiled, deploymentKey int64) (record.ProcessMetadata, *record.ProcessRecord, error) {
	id := p.graph.ProcessID
	meta := record.ProcessMetadata{BpmnProcessID: id, ResourceName: p.resource.ResourceName, Checksum: p.checksum, TenantID: record.DefaultTenant}
	latest, err := c.State.LatestVersion(id)
	if err != nil {
		return meta, nil, err
	}
	if latest > 0 {
		key, err := c.State.ProcessKeyByVersion(id, latest)
		if err != nil {
			return meta, nil, err
		}
		prev, err := c.State.GetProcess(key)
		if err != nil {
			return meta, nil, err
		}
		if prev != nil && bytes.Equal(prev.Checksum, p.checksum) && prev.ResourceName == p.resource.ResourceName {
			meta.Version, meta.ProcessDefinitionKey, meta.Duplicate = prev.Version, prev.ProcessDefinitionKey, true
			return meta, nil, nil
		}
	}
	meta.Version = latest + 1
	meta.ProcessDefinitionKey = c.NextKey()
	return meta, &record.ProcessRecord{
		BpmnProcessID: id, Version: meta.Version, ProcessDefinitionKey: meta.ProcessDefinitionKey,
		ResourceName: meta.ResourceName, Checksum: p.checksum, Resource: p.resource.Resource,
		DeploymentKey: deploymentKey, TenantID: record.DefaultTenant,
	}, nil
}
