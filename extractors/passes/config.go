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
	// AcceptMin is the lowest confidence, in [0, 1], of an accepted item.
	// An item below it, or with a review reason, is needs_review.
	// Default: 0.5.
	AcceptMin float64
	// ReviewMin is the lowest confidence, in [0, AcceptMin], of an item that
	// is kept for review. Candidates below it are dropped and counted in
	// Report.Dropped and in a result warning, except figures that disagree
	// with an XBRL fact, which are always kept for review. Default: 0.2.
	ReviewMin float64
	// ReviewBelow sets AcceptMin when AcceptMin is zero.
	//
	// Deprecated: use AcceptMin.
	ReviewBelow float64
	// MaxDimensional bounds how many dimensional XBRL facts become segment
	// metrics. Default: 200.
	MaxDimensional int
	// History stores each company's earlier filings. With it, Run compares
	// risks and guidance with the previous filing and records the document
	// for later ones. Default: nil, which leaves every risk's change
	// unknown and records nothing.
	History History
}

const (
	defaultChunkBytes     = 16000
	defaultAcceptMin      = 0.5
	defaultReviewMin      = 0.2
	defaultMaxDimensional = 200
)

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if c.ChunkBytes < 0 {
		return fmt.Errorf("passes: invalid ChunkBytes %d: must be 0 (default) or positive", c.ChunkBytes)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"AcceptMin", c.AcceptMin}, {"ReviewMin", c.ReviewMin}, {"ReviewBelow", c.ReviewBelow}} {
		if f.v < 0 || f.v > 1 {
			return fmt.Errorf("passes: invalid %s %g: must be in [0, 1]", f.name, f.v)
		}
	}
	if d := c.withDefaults(); d.ReviewMin > d.AcceptMin {
		return fmt.Errorf("passes: invalid ReviewMin %g: must not exceed AcceptMin %g", d.ReviewMin, d.AcceptMin)
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
	if c.AcceptMin == 0 {
		c.AcceptMin = c.ReviewBelow
	}
	if c.AcceptMin == 0 {
		c.AcceptMin = defaultAcceptMin
	}
	if c.ReviewMin == 0 {
		c.ReviewMin = min(defaultReviewMin, c.AcceptMin)
	}
	if c.MaxDimensional == 0 {
		c.MaxDimensional = defaultMaxDimensional
	}
	return c
}
