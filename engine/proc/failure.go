package proc

import "fmt"

// Failure is a problem with user data (an expression that fails, a
// mapping that cannot be applied): it becomes an incident on the element,
// never a rejection or a panic.
type Failure struct {
	// ErrorType is the incident's error type (record.ErrConditionError, ...).
	ErrorType string
	Message   string
	// VariableScopeKey is the scope whose variables the user should fix.
	VariableScopeKey int64
}

// Error returns the message.
func (f *Failure) Error() string { return f.Message }

// Failf builds a Failure.
func Failf(errorType string, scope int64, format string, args ...any) *Failure {
	return &Failure{ErrorType: errorType, VariableScopeKey: scope, Message: fmt.Sprintf(format, args...)}
}
