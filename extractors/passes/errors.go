package passes

import (
	"errors"
	"fmt"
)

// ErrNoDocument is returned by Run for a nil document.
var ErrNoDocument = errors.New("passes: no document")

// ErrNoProvider is returned by Run for a nil provider.
var ErrNoProvider = errors.New("passes: no provider")

// ProviderError wraps an error a provider returned for one pass.
type ProviderError struct {
	Provider string
	Kind     Kind
	Pass     Pass
	DocID    string
	Err      error
}

func (e *ProviderError) Error() string {
	return fmt.Sprintf("passes: %s %s pass of provider %s on %s: %v", e.Kind, e.Pass, e.Provider, e.DocID, e.Err)
}

func (e *ProviderError) Unwrap() error { return e.Err }
