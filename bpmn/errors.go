package bpmn

import (
	"fmt"
	"strings"
)

// Error is one problem found in a BPMN file: which element, where, and
// what is wrong.
type Error struct {
	ElementID string
	// Kind is the element's XML name ("serviceTask", "sequenceFlow"), which
	// is what a person sees in the file and the modeler.
	Kind         string
	Line, Column int
	Msg          string
}

// Error formats the problem like a compiler: `12:5: serviceTask "charge": no
// job type (zeebe:taskDefinition type)`.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", e.Line, e.Column)
	}
	switch {
	case e.Kind != "" && e.ElementID != "":
		fmt.Fprintf(&b, "%s %q: ", e.Kind, e.ElementID)
	case e.Kind != "":
		fmt.Fprintf(&b, "%s: ", e.Kind)
	case e.ElementID != "":
		fmt.Fprintf(&b, "%q: ", e.ElementID)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every problem found, in the order of the file.
type ErrorList []*Error

// Error joins the problems one per line.
func (l ErrorList) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap lets errors.As find the single problems.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}
