// Package element processes the lifecycle commands of BPMN element
// instances (PROCESS_INSTANCE ACTIVATE_ELEMENT, COMPLETE_ELEMENT,
// TERMINATE_ELEMENT): Zeebe's BpmnStreamProcessor with one processor per
// element kind.
//
// dispatcher.go checks the transition (a command for an instance in the
// wrong state is rejected with INVALID_STATE), writes the lifecycle event
// and calls the kind's Processor. processors.go is the table from element
// kind to processor: a new kind is one file and one line there.
//
// Kinds that later issues will bring (intermediate and boundary events,
// timers, messages, signals, error events, call activities, multi-instance,
// event subprocesses, event-based gateways, receive tasks, business rule
// tasks with a called decision) deploy, but an instance that reaches one
// stops there with an incident saying the element is not supported yet;
// resolving it tries again.
package element
