package element

import "github.com/shoalbpm/shoal/bpmn"

// processors maps element kinds to their processor. Kinds that are not
// here are not supported yet (see unsupported.go).
var processors = map[bpmn.ElementKind]Processor{
	bpmn.KindProcess:                container{},
	bpmn.KindSubProcess:             container{},
	bpmn.KindStartEvent:             startEvent{},
	bpmn.KindEndEvent:               endEvent{},
	bpmn.KindIntermediateThrowEvent: passThrough{},
	bpmn.KindServiceTask:            jobTask{},
	bpmn.KindSendTask:               jobTask{},
	bpmn.KindBusinessRuleTask:       jobTask{},
	bpmn.KindUserTask:               jobTask{},
	bpmn.KindScriptTask:             scriptTask{},
	bpmn.KindManualTask:             passThrough{},
	bpmn.KindTask:                   passThrough{},
	bpmn.KindExclusiveGateway:       exclusiveGateway,
	bpmn.KindParallelGateway:        parallelGateway,
	bpmn.KindInclusiveGateway:       inclusiveGateway,
}

// processorFor returns the processor of a node, or the unsupported one
// with the reason.
func processorFor(n *bpmn.Node) Processor {
	if reason := unsupportedReason(n); reason != "" {
		return unsupported{reason: reason}
	}
	return processors[n.Kind]
}
