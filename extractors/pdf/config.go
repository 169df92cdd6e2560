package pdf

import (
	"fmt"
	"time"
)

// Default limits applied by Config.withDefaults.
const (
	// DefaultTimeout bounds one Parse call.
	DefaultTimeout = 60 * time.Second
	// DefaultMaxPages is the number of pages read before the rest of the
	// document is skipped with a warning.
	DefaultMaxPages = 2000
)

// Config sets the limits of one Parse call. The zero value uses the defaults.
type Config struct {
	// Timeout bounds the whole parse; zero means DefaultTimeout (60s).
	Timeout time.Duration
	// MaxPages is the number of pages read; later pages are skipped with a
	// warning. Zero means DefaultMaxPages (2000).
	MaxPages int
}

// Validate reports a negative field by name.
func (c Config) Validate() error {
	if c.Timeout < 0 {
		return fmt.Errorf("pdf: config Timeout %v is negative", c.Timeout)
	}
	if c.MaxPages < 0 {
		return fmt.Errorf("pdf: config MaxPages %d is negative", c.MaxPages)
	}
	return nil
}

// withDefaults returns a copy with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxPages == 0 {
		c.MaxPages = DefaultMaxPages
	}
	return c
}
