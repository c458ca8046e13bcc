// Package behavior holds the BPMN behaviours that element and command
// processors share (Zeebe's bpmn/behavior): evaluating expressions,
// variables and their mappings, incidents, jobs, and the state transitions
// of element instances with the flow of tokens between them.
//
// Behaviours write through proc.Context only. They never call an element
// processor: when the flow must continue elsewhere they write a follow-up
// command (ACTIVATE_ELEMENT, COMPLETE_ELEMENT, TERMINATE_ELEMENT) that the
// element dispatcher picks up, so this package does not depend on
// engine/element.
package behavior
