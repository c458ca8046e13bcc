// Package instance processes PROCESS_INSTANCE_CREATION CREATE and
// CREATE_WITH_AWAITING_RESULT, and PROCESS_INSTANCE CANCEL.
//
// Creation values (ProcessInstanceCreationRecord): BpmnProcessID with
// Version (-1 or 0: the latest) or ProcessDefinitionKey; Variables;
// FetchVariables for a creation awaiting the result. Cancel: Key is the
// process instance key.
package instance
