package text

// Reasons returned by (*Error).Reason.
const (
	// ReasonEmptyFile: the input has zero bytes, or only whitespace.
	ReasonEmptyFile = "empty_file"
	// ReasonBinaryContent: the input holds NUL bytes or too many control
	// bytes to be text.
	ReasonBinaryContent = "binary_content"
	// ReasonCanceled: the context was done before the parse finished.
	ReasonCanceled = "canceled"
)

// Error is a failed parse. Every error returned by Parse is an *Error.
type Error struct {
	// File is the name passed to Parse.
	File string
	// Code is one of the Reason constants.
	Code string
	// Err is the underlying error, if any.
	Err error
}

// Reason returns the snake_case code of the failure, such as "empty_file".
func (e *Error) Reason() string { return e.Code }

func (e *Error) Error() string {
	msg := "text: " + e.File + ": " + e.Code
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }
