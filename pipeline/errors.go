package pipeline

import (
	"errors"
	"fmt"
)

// ErrPanic marks an error recovered from a panic inside a stage's work.
var ErrPanic = errors.New("pipeline: panic")

// reasoner is implemented by errors that carry a short machine-readable
// cause, such as the parsers' not_pdf or truncated_pdf.
type reasoner interface{ Reason() string }

// ReasonOf returns the cause code of err for a dead letter, or fallback.
func ReasonOf(err error, fallback string) string {
	var r reasoner
	if errors.As(err, &r) && r.Reason() != "" {
		return r.Reason()
	}
	if errors.Is(err, ErrPanic) {
		return "panic"
	}
	return fallback
}

// StageError is a failure of a stage that stops it: a produce, commit or
// sink write that kept failing. The message it names was not committed and
// will be delivered again.
type StageError struct {
	Stage     string
	Topic     string
	Partition int
	Offset    int64
	Err       error
}

func (e *StageError) Error() string {
	return fmt.Sprintf("pipeline: %s stage at %s/%d@%d: %v", e.Stage, e.Topic, e.Partition, e.Offset, e.Err)
}

func (e *StageError) Unwrap() error { return e.Err }
