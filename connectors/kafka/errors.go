package kafka

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalidFiling reports a filing that EncodeFiling cannot publish:
	// its DocID or Size disagrees with the content, or its envelope fails
	// the filing schema.
	ErrInvalidFiling = errors.New("kafka: invalid filing")

	// ErrNoBlobStore reports a filing larger than the inline limit, or a
	// message that refers to a blob, with no blob store to use.
	ErrNoBlobStore = errors.New("kafka: no blob store")
)

// Reasons that DecodeError.Reason returns, for schemas.DeadLetter.Reason.
const (
	// ReasonMissingEnvelope: the message has no HeaderFiling header.
	ReasonMissingEnvelope = "missing_envelope"
	// ReasonInvalidEnvelope: the header is not a valid schemas.Filing, or
	// the value is not empty although the envelope names a blob.
	ReasonInvalidEnvelope = "invalid_envelope"
	// ReasonKeyMismatch: the message key differs from the envelope's DocID.
	ReasonKeyMismatch = "key_mismatch"
	// ReasonContentMismatch: the content's SHA-256 or length differs from
	// the envelope's DocID or Size.
	ReasonContentMismatch = "content_mismatch"
	// ReasonNoBlobStore: the envelope names a blob but the decoder has no
	// blob store.
	ReasonNoBlobStore = "no_blob_store"
	// ReasonBlobMissing: the blob store has no blob under the reference.
	ReasonBlobMissing = "blob_missing"
	// ReasonBlobCorrupt: the stored blob does not hash to its reference.
	ReasonBlobCorrupt = "blob_corrupt"
	// ReasonBlobUnavailable: the blob store failed for another reason, such
	// as an I/O error or a canceled context. It is the only temporary
	// reason.
	ReasonBlobUnavailable = "blob_unavailable"
)

// DecodeError reports a filings.raw message that DecodeFiling could not turn
// into a filing. It names the message by topic, partition and offset, and the
// document when the envelope gave its id.
type DecodeError struct {
	Topic     string
	Partition int
	Offset    int64
	// DocID and SourcePath are empty when the envelope could not be read.
	DocID      string
	SourcePath string
	reason     string
	Err        error
}

func (e *DecodeError) Error() string {
	doc := e.DocID
	if doc == "" {
		doc = "unknown document"
	}
	return fmt.Sprintf("kafka: decode filing %s at %s/%d/%d: %s: %v", doc, e.Topic, e.Partition, e.Offset, e.reason, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Reason returns a short machine-readable cause, one of the Reason constants,
// for schemas.DeadLetter.Reason.
func (e *DecodeError) Reason() string { return e.reason }

// Temporary reports whether decoding the same message again may succeed:
// true only for ReasonBlobUnavailable. Every other reason is a property of
// the message or of stored bytes, so the message belongs on the dead-letter
// topic.
func (e *DecodeError) Temporary() bool { return e.reason == ReasonBlobUnavailable }
