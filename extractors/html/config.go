package html

import "fmt"

// DefaultMaxBytes is the input size limit when Config.MaxBytes is zero.
// The corpus 10-K and 10-Q documents are 1.3 to 2 MB, so 64 MiB leaves
// room for large exhibits while bounding memory. BenchmarkParse measures
// about three times the input in allocations per parse.
const DefaultMaxBytes = 64 << 20

// DefaultMaxDepth is the element nesting limit when Config.MaxDepth is zero.
const DefaultMaxDepth = 10000

// Config sets the limits of a Parser. The zero value uses the defaults.
type Config struct {
	// MaxBytes is the largest input accepted, in bytes; larger input fails
	// with ErrTooLarge. Zero means DefaultMaxBytes.
	MaxBytes int64
	// MaxDepth is the number of open elements tracked. Deeper elements are
	// still parsed for text, but their end tags are not matched, so a
	// display:none element beyond the limit does not hide its content.
	// Zero means DefaultMaxDepth.
	MaxDepth int
}

// Validate reports a negative limit.
func (c Config) Validate() error {
	if c.MaxBytes < 0 {
		return fmt.Errorf("html: config MaxBytes %d is negative", c.MaxBytes)
	}
	if c.MaxDepth < 0 {
		return fmt.Errorf("html: config MaxDepth %d is negative", c.MaxDepth)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxDepth == 0 {
		c.MaxDepth = DefaultMaxDepth
	}
	return c
}
