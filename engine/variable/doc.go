// Package variable processes VARIABLE_DOCUMENT UPDATE: set variables on
// the scope of any active element instance, either locally (LOCAL) or with
// Zeebe's propagation (PROPAGATE, the default).
package variable
