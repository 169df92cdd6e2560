package passes

import (
	"fmt"
	"log/slog"
	"time"
)

// Config sets how Run selects chunks and scores items. The zero value is
// valid; each field documents its default.
type Config struct {
	// Now returns the time stored in Result.ExtractedAt. Default: time.Now.
	Now func() time.Time
	// Logger receives debug logs and warnings. Default: nil, which is silent.
	Logger *slog.Logger
	// ChunkBytes is the maximum chunk length in bytes; a longer section is
	// cut at line breaks. Default: 16000, about 4000 tokens of English.
	ChunkBytes int
	// NoRecall skips the recall pass. Default: false, so both passes run.
	NoRecall bool
	// ReviewBelow is the confidence below which an item is needs_review.
	// Default: 0.5.
	ReviewBelow float64
	// MaxDimensional bounds how many dimensional XBRL facts become segment
	// metrics. Default: 200.
	MaxDimensional int
}

const (
	defaultChunkBytes     = 16000
	defaultReviewBelow    = 0.5
	defaultMaxDimensional = 200
)

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.ChunkBytes < 0 {
		return fmt.Errorf("passes: invalid ChunkBytes %d: must be 0 (default) or positive", c.ChunkBytes)
	}
	if c.ReviewBelow < 0 || c.ReviewBelow > 1 {
		return fmt.Errorf("passes: invalid ReviewBelow %g: must be in [0, 1]", c.ReviewBelow)
	}
	if c.MaxDimensional < 0 {
		return fmt.Errorf("passes: invalid MaxDimensional %d: must be 0 (default) or positive", c.MaxDimensional)
	}
	return nil
}

// withDefaults returns a copy with zero fields set to their defaults.
func (c Config) withDefaults() Config {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ChunkBytes == 0 {
		c.ChunkBytes = defaultChunkBytes
	}
	if c.ReviewBelow == 0 {
		c.ReviewBelow = defaultReviewBelow
	}
	if c.MaxDimensional == 0 {
		c.MaxDimensional = defaultMaxDimensional
	}
	return c
}
