package record

// Binary encodings of the value structs: fields in declaration order.
// Append new fields at the end only (see codec.go).

func (v *DeploymentRecord) encodeTo(e *Encoder) {
	e.Uint(uint64(len(v.Resources)))
	for _, r := range v.Resources {
		e.String(r.ResourceName)
		e.Bytes(r.Resource)
	}
	e.Uint(uint64(len(v.ProcessesMetadata)))
	for i := range v.ProcessesMetadata {
		m := &v.ProcessesMetadata[i]
		e.String(m.BpmnProcessID)
		e.Int(int64(m.Version))
		e.Int(m.ProcessDefinitionKey)
		e.String(m.ResourceName)
		e.Bytes(m.Checksum)
		e.Bool(m.Duplicate)
		e.String(m.TenantID)
	}
	e.Int(v.DeploymentKey)
	e.String(v.TenantID)
}

func (v *DeploymentRecord) decodeFrom(d *Decoder) {
	if n := d.count(); n > 0 {
		v.Resources = make([]Resource, n)
		for i := range v.Resources {
			v.Resources[i] = Resource{ResourceName: d.String(), Resource: d.Bytes()}
		}
	}
	if n := d.count(); n > 0 {
		v.ProcessesMetadata = make([]ProcessMetadata, n)
		for i := range v.ProcessesMetadata {
			m := &v.ProcessesMetadata[i]
			m.BpmnProcessID = d.String()
			m.Version = d.Int32()
			m.ProcessDefinitionKey = d.Int()
			m.ResourceName = d.String()
			m.Checksum = d.Bytes()
			m.Duplicate = d.Bool()
			m.TenantID = d.Name()
		}
	}
	v.DeploymentKey = d.Int()
	v.TenantID = d.Name()
}

// count reads a list length, bounded by the bytes left (each element takes
// at least one byte), so corrupt input cannot make a huge allocation.
func (d *Decoder) count() int {
	n := d.Uint()
	if n > uint64(len(d.B)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (v *ProcessRecord) encodeTo(e *Encoder) {
	e.String(v.BpmnProcessID)
	e.Int(int64(v.Version))
	e.Int(v.ProcessDefinitionKey)
	e.String(v.ResourceName)
	e.Bytes(v.Checksum)
	e.Bytes(v.Resource)
	e.Int(v.DeploymentKey)
	e.Bool(v.Duplicate)
	e.String(v.TenantID)
}

func (v *ProcessRecord) decodeFrom(d *Decoder) {
	v.BpmnProcessID = d.String()
	v.Version = d.Int32()
	v.ProcessDefinitionKey = d.Int()
	v.ResourceName = d.String()
	v.Checksum = d.Bytes()
	v.Resource = d.Bytes()
	v.DeploymentKey = d.Int()
	v.Duplicate = d.Bool()
	v.TenantID = d.Name()
}

func (v *ProcessInstanceRecord) encodeTo(e *Encoder) {
	e.String(v.BpmnProcessID)
	e.Int(int64(v.Version))
	e.Int(v.ProcessDefinitionKey)
	e.Int(v.ProcessInstanceKey)
	e.String(v.ElementID)
	e.Int(v.FlowScopeKey)
	e.String(v.BpmnElementType)
	e.String(v.BpmnEventType)
	e.Int(v.ParentProcessInstanceKey)
	e.Int(v.ParentElementInstanceKey)
	e.String(v.TenantID)
}

func (v *ProcessInstanceRecord) decodeFrom(d *Decoder) {
	v.BpmnProcessID = d.String()
	v.Version = d.Int32()
	v.ProcessDefinitionKey = d.Int()
	v.ProcessInstanceKey = d.Int()
	v.ElementID = d.String()
	v.FlowScopeKey = d.Int()
	v.BpmnElementType = d.Name()
	v.BpmnEventType = d.Name()
	v.ParentProcessInstanceKey = d.Int()
	v.ParentElementInstanceKey = d.Int()
	v.TenantID = d.Name()
}

func (v *ProcessInstanceCreationRecord) encodeTo(e *Encoder) {
	e.String(v.BpmnProcessID)
	e.Int(v.ProcessDefinitionKey)
	e.Int(int64(v.Version))
	e.Doc(v.Variables)
	e.Int(v.ProcessInstanceKey)
	e.Strings(v.FetchVariables)
	e.String(v.TenantID)
}

func (v *ProcessInstanceCreationRecord) decodeFrom(d *Decoder) {
	v.BpmnProcessID = d.String()
	v.ProcessDefinitionKey = d.Int()
	v.Version = d.Int32()
	v.Variables = d.Doc()
	v.ProcessInstanceKey = d.Int()
	v.FetchVariables = d.Strings()
	v.TenantID = d.Name()
}

func (v *ProcessInstanceResultRecord) encodeTo(e *Encoder) {
	e.String(v.BpmnProcessID)
	e.Int(v.ProcessDefinitionKey)
	e.Int(int64(v.Version))
	e.Int(v.ProcessInstanceKey)
	e.Doc(v.Variables)
	e.String(v.TenantID)
}

func (v *ProcessInstanceResultRecord) decodeFrom(d *Decoder) {
	v.BpmnProcessID = d.String()
	v.ProcessDefinitionKey = d.Int()
	v.Version = d.Int32()
	v.ProcessInstanceKey = d.Int()
	v.Variables = d.Doc()
	v.TenantID = d.Name()
}

func (v *JobRecord) encodeTo(e *Encoder) {
	e.String(v.Type)
	e.String(v.Worker)
	e.Int(int64(v.Retries))
	e.Int(v.RetryBackoff)
	e.Int(v.RecurringTime)
	e.Int(v.Deadline)
	e.Int(v.Timeout)
	e.String(v.ErrorMessage)
	e.String(v.ErrorCode)
	e.StringMap(v.CustomHeaders)
	e.Doc(v.Variables)
	e.String(v.ElementID)
	e.Int(v.ElementInstanceKey)
	e.Int(v.ProcessInstanceKey)
	e.String(v.BpmnProcessID)
	e.Int(int64(v.ProcessDefinitionVersion))
	e.Int(v.ProcessDefinitionKey)
	e.String(v.TenantID)
}

func (v *JobRecord) decodeFrom(d *Decoder) {
	v.Type = d.String()
	v.Worker = d.String()
	v.Retries = d.Int32()
	v.RetryBackoff = d.Int()
	v.RecurringTime = d.Int()
	v.Deadline = d.Int()
	v.Timeout = d.Int()
	v.ErrorMessage = d.String()
	v.ErrorCode = d.String()
	v.CustomHeaders = d.StringMap()
	v.Variables = d.Doc()
	v.ElementID = d.String()
	v.ElementInstanceKey = d.Int()
	v.ProcessInstanceKey = d.Int()
	v.BpmnProcessID = d.String()
	v.ProcessDefinitionVersion = d.Int32()
	v.ProcessDefinitionKey = d.Int()
	v.TenantID = d.Name()
}

func (v *JobBatchRecord) encodeTo(e *Encoder) {
	e.String(v.Type)
	e.String(v.Worker)
	e.Int(v.Timeout)
	e.Int(int64(v.MaxJobsToActivate))
	e.Strings(v.Variables)
	e.Uint(uint64(len(v.JobKeys)))
	for _, k := range v.JobKeys {
		e.Int(k)
	}
	e.Uint(uint64(len(v.Jobs)))
	for i := range v.Jobs {
		v.Jobs[i].encodeTo(e)
	}
	e.Bool(v.Truncated)
	e.Strings(v.TenantIDs)
}

func (v *JobBatchRecord) decodeFrom(d *Decoder) {
	v.Type = d.String()
	v.Worker = d.String()
	v.Timeout = d.Int()
	v.MaxJobsToActivate = d.Int32()
	v.Variables = d.Strings()
	if n := d.count(); n > 0 {
		v.JobKeys = make([]int64, n)
		for i := range v.JobKeys {
			v.JobKeys[i] = d.Int()
		}
	}
	if n := d.count(); n > 0 {
		v.Jobs = make([]JobRecord, n)
		for i := range v.Jobs {
			v.Jobs[i].decodeFrom(d)
		}
	}
	v.Truncated = d.Bool()
	v.TenantIDs = d.Strings()
}

func (v *VariableRecord) encodeTo(e *Encoder) {
	e.String(v.Name)
	e.String(v.Value)
	e.Int(v.ScopeKey)
	e.Int(v.ProcessInstanceKey)
	e.Int(v.ProcessDefinitionKey)
	e.String(v.BpmnProcessID)
	e.String(v.TenantID)
}

func (v *VariableRecord) decodeFrom(d *Decoder) {
	v.Name = d.String()
	v.Value = d.String()
	v.ScopeKey = d.Int()
	v.ProcessInstanceKey = d.Int()
	v.ProcessDefinitionKey = d.Int()
	v.BpmnProcessID = d.String()
	v.TenantID = d.Name()
}

func (v *VariableDocumentRecord) encodeTo(e *Encoder) {
	e.Int(v.ScopeKey)
	e.String(v.UpdateSemantics)
	e.Doc(v.Variables)
	e.String(v.TenantID)
}

func (v *VariableDocumentRecord) decodeFrom(d *Decoder) {
	v.ScopeKey = d.Int()
	v.UpdateSemantics = d.Name()
	v.Variables = d.Doc()
	v.TenantID = d.Name()
}

func (v *IncidentRecord) encodeTo(e *Encoder) {
	e.String(v.ErrorType)
	e.String(v.ErrorMessage)
	e.String(v.BpmnProcessID)
	e.Int(v.ProcessDefinitionKey)
	e.Int(v.ProcessInstanceKey)
	e.String(v.ElementID)
	e.Int(v.ElementInstanceKey)
	e.Int(v.JobKey)
	e.Int(v.VariableScopeKey)
	e.String(v.TenantID)
}

func (v *IncidentRecord) decodeFrom(d *Decoder) {
	v.ErrorType = d.String()
	v.ErrorMessage = d.String()
	v.BpmnProcessID = d.String()
	v.ProcessDefinitionKey = d.Int()
	v.ProcessInstanceKey = d.Int()
	v.ElementID = d.String()
	v.ElementInstanceKey = d.Int()
	v.JobKey = d.Int()
	v.VariableScopeKey = d.Int()
	v.TenantID = d.Name()
}
